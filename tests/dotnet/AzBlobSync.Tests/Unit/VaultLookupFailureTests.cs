using AzBlobSync.Errors;
using AzBlobSync.SignIn;

namespace AzBlobSync.Tests.Unit;

/// <summary>Get-Secret's failures, in SecretManagement's and SecretStore's own words, each to its id and what to do.</summary>
public sealed class VaultLookupFailureTests
{
    [Fact]
    public void A_locked_SecretStore_says_to_unlock_it()
    {
        var e = VaultLookupFailure.Classify(
            "Microsoft.PowerShell.SecretStore.PasswordRequiredException,Microsoft.PowerShell.SecretManagement.GetSecretCommand",
            "A valid password is required to access the Microsoft.PowerShell.SecretStore vault.\nUse the Unlock-SecretStore cmdlet to provide the required password to access the store.",
            "BlobVault", "StorageSPN");
        Assert.Equal(ErrorIds.VaultLocked, e.ErrorId);
        Assert.Contains("Unlock-SecretStore", e.Message);
    }

    [Fact]
    public void A_missing_vault_and_a_missing_secret_each_have_their_id()
    {
        var vault = VaultLookupFailure.Classify("GetSecretInvalidVault,Microsoft.PowerShell.SecretManagement.GetSecretCommand", "Vault Nope does not exist in registry.", "Nope", "s");
        Assert.Equal(ErrorIds.VaultNotFound, vault.ErrorId);
        Assert.Contains("Get-SecretVault", vault.Message);
        var secret = VaultLookupFailure.Classify("GetSecretNotFound,Microsoft.PowerShell.SecretManagement.GetSecretCommand", "The secret Missing was not found.", "BlobVault", "Missing");
        Assert.Equal(ErrorIds.SecretNotFound, secret.ErrorId);
        Assert.Contains("Get-SecretInfo", secret.Message);
    }

    [Fact]
    public void Not_installed_says_how_to_install()
    {
        var e = VaultLookupFailure.NotInstalled();
        Assert.Equal(ErrorIds.SecretManagementNotInstalled, e.ErrorId);
        Assert.Equal(CommandErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("Install-PSResource", e.Message);
    }
}
