using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using AzBlobSync.SignIn;

namespace AzBlobSync.PowerShell;

/// <summary>
/// Reads a service principal from a SecretManagement vault by calling
/// <c>Microsoft.PowerShell.SecretManagement\Get-Secret</c> in the caller's runspace (module-qualified,
/// as PSResourceGet does), and turns its failures into our stable ids.
/// </summary>
internal static class VaultSecretReader
{
    private const string GetSecret = "Microsoft.PowerShell.SecretManagement\\Get-Secret";

    public static SignInCredential Read(string vault, string secretName, string? tenantId)
    {
        object? secret = Unwrap(Fetch(vault, secretName));
        if (secret is System.Collections.IDictionary table)
        {
            // Get-Secret's hashtable values arrive wrapped (a SecureString inside a PSObject): hand over the values themselves.
            var values = new System.Collections.Hashtable(System.StringComparer.OrdinalIgnoreCase);
            foreach (System.Collections.DictionaryEntry entry in table)
            {
                values[entry.Key] = Unwrap(entry.Value);
            }
            secret = values;
        }
        return secret is PSCredential credential
            ? SecretToCredential.FromCredential(credential.UserName, credential.Password, tenantId)
            : SecretToCredential.FromSecret(secret, tenantId, secretName);
    }

    /// <summary>The value itself, however many PSObject wrappers a script-written vault put around it.</summary>
    private static object? Unwrap(object? value)
    {
        while (value is PSObject wrapped && !ReferenceEquals(wrapped.BaseObject, wrapped))
        {
            value = wrapped.BaseObject;
        }
        return value;
    }

    private static object? Fetch(string vault, string secretName)
    {
        using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand(GetSecret).AddParameter("Vault", vault).AddParameter("Name", secretName).AddParameter("ErrorAction", ActionPreference.Stop);
        Collection<PSObject> results;
        try
        {
            results = shell.Invoke();
        }
        catch (CommandNotFoundException)
        {
            throw VaultLookupFailure.NotInstalled();
        }
        catch (RuntimeException e)
        {
            if (e.ErrorRecord?.CategoryInfo.Category == ErrorCategory.ObjectNotFound && e.ErrorRecord.FullyQualifiedErrorId.StartsWith("CommandNotFound", StringComparison.Ordinal))
            {
                throw VaultLookupFailure.NotInstalled();
            }
            throw VaultLookupFailure.Classify(e.ErrorRecord?.FullyQualifiedErrorId, e.Message, vault, secretName);
        }
        if (shell.HadErrors && shell.Streams.Error.Count > 0)
        {
            ErrorRecord first = shell.Streams.Error[0];
            throw VaultLookupFailure.Classify(first.FullyQualifiedErrorId, first.Exception?.Message, vault, secretName);
        }
        if (results.Count == 0)
        {
            throw VaultLookupFailure.Classify("GetSecretNotFound", "was not found", vault, secretName);
        }
        return results[0]?.BaseObject;
    }
}
