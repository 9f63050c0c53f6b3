/// The product's version, printed by `helpdeskd --version` and announced in logs and mail headers.
public enum HelpdeskVersion {
    public static let current = "0.1.0"
}
