// arroz-studio: the executable's entry point; the commands live in Commands/.
ArrozCommand.main()
