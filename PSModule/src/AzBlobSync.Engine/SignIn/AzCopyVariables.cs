using System;
using System.Collections.Generic;

namespace AzBlobSync.SignIn;

/// <summary>
/// AzCopy's sign-in variables (the engine's <c>auth::azcopy_env::VARIABLES</c>), read from this
/// process and handed to the engine as they are, so a script that sets AZCOPY_AUTO_LOGIN_TYPE for
/// AzCopy works with the module too. The engine decides what they mean, the same way as for the CLI.
/// </summary>
public static class AzCopyVariables
{
    public static readonly IReadOnlyList<string> Names = new[]
    {
        "AZCOPY_AUTO_LOGIN_TYPE", "AZCOPY_SPA_APPLICATION_ID", "AZCOPY_SPA_CLIENT_SECRET", "AZCOPY_SPA_CERT_PATH",
        "AZCOPY_SPA_CERT_PASSWORD", "AZCOPY_TENANT_ID", "AZCOPY_MSI_CLIENT_ID", "AZCOPY_MSI_OBJECT_ID",
        "AZCOPY_MSI_RESOURCE_STRING", "AZCOPY_ACTIVE_DIRECTORY_ENDPOINT", "AZCOPY_ACCOUNT_KEY", "AZURE_STORAGE_KEY",
        "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID",
    };

    /// <summary>The ones that are set, through <paramref name="lookup"/> (default: this process's environment).</summary>
    public static IReadOnlyDictionary<string, string> Collect(Func<string, string?>? lookup = null)
    {
        lookup ??= Environment.GetEnvironmentVariable;
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in Names)
        {
            if (lookup(name) is string value && value.Length > 0)
            {
                set[name] = value;
            }
        }
        return set;
    }
}
