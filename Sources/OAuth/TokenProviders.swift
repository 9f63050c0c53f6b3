import Synchronization

/// The daemon's token providers, one per `[oauth2.NAME]` section (and mailbox user, for per-user grants), shared
/// by every poller, the relay, the refresher and the metrics: one process must never hold two providers for one
/// token file, or two logins could spend the same refresh token.
///
/// A reload that changes a section's settings replaces its provider (the token file stays: a new provider reads
/// it).
public final class TokenProviders: Sendable {
    private let stateDirectory: String
    private let providers = Mutex<[String: TokenProvider]>([:])
    private let makeEndpoint: @Sendable (String?) -> any TokenEndpoint

    public init(
        stateDirectory: String,
        endpoint: @escaping @Sendable (String?) -> any TokenEndpoint = { HTTPSTokenEndpoint(caFile: $0) }
    ) {
        self.stateDirectory = stateDirectory
        makeEndpoint = endpoint
    }

    /// The provider for `settings` and the mailbox `user` logging in.
    public func provider(_ settings: OAuthSettings, user: String) -> TokenProvider {
        let key = settings.tokensPerUser ? "\(settings.name)+\(user)" : settings.name
        return providers.withLock { providers in
            if let existing = providers[key], existing.settings == settings { return existing }
            let created = TokenProvider(
                settings: settings, user: user, stateDirectory: stateDirectory, endpoint: makeEndpoint)
            providers[key] = created
            return created
        }
    }

    /// Every provider used so far.
    public var all: [TokenProvider] {
        providers.withLock { Array($0.values) }.sorted { $0.cache.path < $1.cache.path }
    }
}
