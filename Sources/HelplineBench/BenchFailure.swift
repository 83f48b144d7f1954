/// A measurement that could not be made, and why.
public struct BenchFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
