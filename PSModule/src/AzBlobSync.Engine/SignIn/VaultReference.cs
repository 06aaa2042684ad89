namespace AzBlobSync.SignIn;

/// <summary>
/// Where a job's service principal came from: a SecretManagement vault and the secret's name (and the
/// -TenantId given), never the secret. The journal keeps it, so Resume-AzBlobJob reads the same secret
/// again instead of asking for it.
/// </summary>
public sealed record VaultReference(string Vault, string SecretName, string? TenantId);
