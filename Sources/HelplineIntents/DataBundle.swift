/// The data files Helpline runs on (the contents of `Intents/`): intents, prompts, matcher settings,
/// the demo profile. Keyed by path relative to the folder, e.g. `returns.yaml`, `config/prompts.yaml`.
///
/// The texts come already read: the copy built into the binary, or a folder read by the front ends
/// (`HelplineFiles`).
public struct DataBundle: Sendable, Hashable {
    public var files: [String: String]

    public init(files: [String: String]) {
        self.files = files
    }

    /// The copy of `Intents/` built into the binary.
    public static var embedded: DataBundle { DataBundle(files: EmbeddedData.files) }
}

/// A data file that could not be used, and why.
public struct DataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
