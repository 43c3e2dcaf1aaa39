// arroz-studio: the executable's entry point; the commands live in Commands/.
ProcessEnvironment.prepare()
ArrozCommand.main()
