import Foundation
import HelplineServer
import NIOCore
import PostgresNIO
import _ConnectionPoolModule

/// What a failed PostgreSQL call means for the daemon: the server unreachable (answer
/// `unavailable`, watch for it to come back), a passing refusal worth retrying, or a fault of the
/// write itself.
enum PostgresFailure {
    /// The server cannot be reached, went away, or did not answer in time.
    case unreachable(String)
    /// The server refused for now (a deadlock or serialization failure, a cancelled statement,
    /// too many connections): retryable, but the server is up.
    case transient(String)
    /// Anything else: this write cannot be stored as it is.
    case rejected(String)

    init(_ error: any Error) {
        switch error {
        case let error as PostgresTransactionError:
            // What went wrong first: BEGIN, the transaction's own work, or COMMIT.
            if let first = error.beginError ?? error.closureError ?? error.commitError {
                self = PostgresFailure(first)
            } else {
                self = .rejected("the transaction failed")
            }
        case let error as PostgresStoreError:
            self = .rejected(error.description)
        case let error as StoreUnavailableError:
            self = .unreachable(error.reason)
        case let error as PSQLError:
            let summary = Self.describe(error)
            if error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? ""
                if state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) {
                    self = .unreachable(summary)
                } else if state.hasPrefix("40") || state.hasPrefix("53") || state == "57014" {
                    self = .transient(summary)
                } else {
                    self = .rejected(summary)
                }
            } else if [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                       .messageDecodingFailure, .unexpectedBackendMessage, .sslUnsupported, .failedToAddSSLHandler]
                .contains(error.code) {
                self = .unreachable(summary)
            } else if error.code == .queryCancelled {
                self = .transient(summary)
            } else {
                self = .rejected(summary)
            }
        case let error as ConnectionPoolError:
            self = .unreachable("connection pool: \(error)")
        case is CancellationError:
            self = .unreachable("cancelled")
        case let error as IOError:
            self = .unreachable("\(error)")
        default:
            self = .rejected(String(describing: error))
        }
    }

    /// The error to hand on: ``StoreUnavailableError`` for whatever is worth retrying.
    var error: any Error {
        switch self {
        case .unreachable(let reason), .transient(let reason): StoreUnavailableError(reason)
        case .rejected(let reason): PostgresStoreError(reason)
        }
    }

    /// A PostgreSQL error without the query or its values: the driver's code, and for errors from
    /// the server its SQLSTATE and message (messages name objects, not the rows' values).
    static func describe(_ error: PSQLError) -> String {
        var text = "\(error.code)"
        if let info = error.serverInfo {
            text += " \(info[.sqlState] ?? "")"
            if let message = info[.message] { text += ": \(message)" }
        } else if let underlying = error.underlying {
            text += ": \(underlying)"
        }
        return text
    }
}

/// PostgreSQL refused a write or a read for a reason of its own (not its availability).
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
