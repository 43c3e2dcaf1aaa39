// RunConfig+Folder: a recipe's model on the user's own folder of images (kohya .txt captions or a Hugging Face
// metadata.jsonl) — what `train --data DIR` and the studio's Training pane data field do.

extension RunConfig {
    /// This recipe's model trained on `folder`: the recipe's size and channels, its text encoder on the folder's
    /// captions (no caption template), previews of the folder's own captions. Class-conditional recipes refuse.
    public func onFolder(_ folder: String) throws -> RunConfig {
        guard conditioning.kind == .text else {
            throw TrainError.badSetting(
                "data: recipe \(recipe) is class-conditional; pick a text-conditioned recipe for captioned images "
                    + "(e.g. emoji-ddpm, emoji-arroz, fashion-ddpm)")
        }
        var cfg = self
        cfg.data.dataset = "folder"
        cfg.data.path = folder
        cfg.data.limit = nil
        cfg.conditioning.captionTemplate = nil
        cfg.previewPrompts = []
        return cfg
    }
}
