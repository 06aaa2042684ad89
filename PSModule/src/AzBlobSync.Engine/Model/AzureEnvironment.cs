namespace AzBlobSync;

/// <summary>The national clouds, by Az PowerShell's and AzCopy's names: which Entra ID authority a sign-in asks.</summary>
public enum AzureEnvironment
{
    /// <summary>The public cloud (login.microsoftonline.com).</summary>
    AzureCloud,

    /// <summary>Azure Government (login.microsoftonline.us).</summary>
    AzureUSGovernment,

    /// <summary>Azure operated by 21Vianet (login.chinacloudapi.cn).</summary>
    AzureChinaCloud,
}
