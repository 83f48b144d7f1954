import Foundation
import PackagePlugin

/// Embeds every file under the package's `Intents/` folder into the target as a Swift source,
/// so the `helpline` binary carries its data and runs from any directory.
@main
struct EmbedData: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL.appending(path: "Intents")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedData.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker {
                let values = try? url.resourceValues(forKeys: [.isRegularFileKey])
                if values?.isRegularFile == true { inputs.append(url) }
            }
        }
        inputs.sort { $0.path < $1.path }
        return [
            .buildCommand(
                displayName: "Embedding Intents/ into \(target.name)",
                executable: try context.tool(named: "EmbedDataTool").url,
                arguments: [root.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
