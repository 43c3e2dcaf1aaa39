// Recipes: every family's built-in recipes in one list (the families own them; see FamilyRegistry).

public enum Recipes {
    /// Every recipe name, in the order `train --list` and the studio's Training pane show them.
    public static var names: [String] { FamilyRegistry.recipes.map(\.name) }

    /// One-line descriptions for listings.
    public static var summaries: [String: String] {
        Dictionary(FamilyRegistry.recipes.map { ($0.name, $0.summary) }, uniquingKeysWith: { a, _ in a })
    }

    /// The run config of recipe `name`, with the run called `runName` (default: the recipe's name).
    public static func make(_ name: String, runName: String? = nil) throws -> RunConfig {
        guard let r = FamilyRegistry.recipes.first(where: { $0.name == name }) else {
            throw TrainError.unknownRecipe(name, known: names)
        }
        return try r.make(runName ?? name)
    }
}
