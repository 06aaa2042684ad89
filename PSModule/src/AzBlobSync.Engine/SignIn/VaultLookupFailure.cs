using System;
using AzBlobSync.Errors;

namespace AzBlobSync.SignIn;

/// <summary>
/// Names what went wrong when <c>Get-Secret</c> failed, from its error (SecretManagement's and
/// SecretStore's own wording and ids), with one sentence saying what to do. Pure, so each case is
/// unit-tested without PowerShell.
/// </summary>
public static class VaultLookupFailure
{
    public static SecretShapeException Classify(string? fullyQualifiedErrorId, string? message, string vault, string secretName)
    {
        string id = fullyQualifiedErrorId ?? string.Empty;
        string text = message ?? string.Empty;
        bool Says(string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase) || id.Contains(part, StringComparison.OrdinalIgnoreCase);

        if (Says("Unlock-SecretStore") || Says("password is required") || Says("locked"))
        {
            return new SecretShapeException(
                ErrorIds.VaultLocked,
                $"Vault '{vault}' is locked: unlock it first (for SecretStore: Unlock-SecretStore -Password $password, e.g. read from a file only this account can read), then run again.",
                vault);
        }
        if (Says("does not exist in registry") || Says("vault") && (Says("not found") || Says("does not exist") || Says("InvalidVault")))
        {
            return new SecretShapeException(
                ErrorIds.VaultNotFound,
                $"There is no SecretManagement vault named '{vault}' for this account: check the name with Get-SecretVault (vaults are registered per user, so a scheduled task's account needs its own Register-SecretVault).",
                vault);
        }
        if (Says("GetSecretNotFound") || Says("was not found") || Says("not found"))
        {
            return new SecretShapeException(
                ErrorIds.SecretNotFound,
                $"Vault '{vault}' has no secret named '{secretName}': check the name with Get-SecretInfo -Vault {vault}.",
                secretName);
        }
        return new SecretShapeException(
            ErrorIds.SecretNotFound,
            $"Reading secret '{secretName}' from vault '{vault}' failed: {SecretRedactionText(text)}",
            secretName);
    }

    public static SecretShapeException NotInstalled() =>
        new(ErrorIds.SecretManagementNotInstalled,
            "-Vault needs the Microsoft.PowerShell.SecretManagement module: Install-PSResource Microsoft.PowerShell.SecretManagement (and a vault such as Microsoft.PowerShell.SecretStore).");

    private static string SecretRedactionText(string text)
    {
        string firstLine = text.Split('\n')[0].Trim();
        return firstLine.Length == 0 ? "no details" : AzBlobSync.Destination.SecretRedaction.RedactSignatures(firstLine);
    }
}
