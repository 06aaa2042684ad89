# Test stand-in: see the manifest. Vaults live in this module's memory.
$script:Vaults = @{}

function Reset-StandIn { $script:Vaults = @{} }

function Set-StandInSecret {
    param([Parameter(Mandatory)][string] $Vault, [Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)] $Secret)
    if (-not $script:Vaults.ContainsKey($Vault)) { $script:Vaults[$Vault] = @{ Locked = $false; Secrets = @{} } }
    $script:Vaults[$Vault].Secrets[$Name] = $Secret
}

function Set-StandInVaultLock {
    param([Parameter(Mandatory)][string] $Vault, [bool] $Locked = $true)
    $script:Vaults[$Vault].Locked = $Locked
}

function Get-SecretVault {
    [CmdletBinding()]
    param([string] $Name = '*')
    $script:Vaults.Keys | Where-Object { $_ -like $Name } | Sort-Object | ForEach-Object {
        [pscustomobject]@{ Name = $_; ModuleName = 'Microsoft.PowerShell.SecretStore'; IsDefault = $false }
    }
}

function Get-SecretInfo {
    [CmdletBinding()]
    param([string] $Name = '*', [string] $Vault)
    foreach ($v in $script:Vaults.Keys | Where-Object { -not $Vault -or $_ -eq $Vault }) {
        $script:Vaults[$v].Secrets.Keys | Where-Object { $_ -like $Name } | Sort-Object | ForEach-Object {
            [pscustomobject]@{ Name = $_; VaultName = $v; Type = 'Unknown' }
        }
    }
}

function ConvertTo-StandInSecure([object] $value) {
    if ($value -is [securestring]) { return $value }
    ConvertTo-SecureString -String ([string]$value) -AsPlainText -Force
}

function Get-Secret {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)][string] $Name,
        [Parameter(Position = 1)][string] $Vault,
        [switch] $AsPlainText
    )
    if ($Vault -and -not $script:Vaults.ContainsKey($Vault)) {
        # SecretManagement's wording for a vault that is not registered.
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new("Vault $Vault does not exist in registry."),
            'GetSecretInvalidVault', [System.Management.Automation.ErrorCategory]::InvalidOperation, $Vault))
        return
    }
    $store = $script:Vaults[$Vault]
    if ($store.Locked) {
        # SecretStore's error when its password has not been given (Unlock-SecretStore).
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new("A valid password is required to access the Microsoft.PowerShell.SecretStore vault.`nUse the Unlock-SecretStore cmdlet to provide the required password to access the store."),
            'Microsoft.PowerShell.SecretStore.PasswordRequiredException', [System.Management.Automation.ErrorCategory]::InvalidOperation, $Vault))
        return
    }
    if (-not $store.Secrets.ContainsKey($Name)) {
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
            [System.Management.Automation.ItemNotFoundException]::new("The secret $Name was not found."),
            'GetSecretNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Name))
        return
    }
    $secret = $store.Secrets[$Name]
    if ($secret -is [hashtable]) {
        $copy = @{}
        foreach ($key in $secret.Keys) {
            # No function call or if-expression in between: their output would unroll a byte[] into object[].
            $value = $secret[$key]
            if (-not $AsPlainText -and $value -is [string]) { $value = ConvertTo-SecureString -String $value -AsPlainText -Force }
            $copy[$key] = $value
        }
        return $copy
    }
    if ($secret -is [string] -and -not $AsPlainText) { return ConvertTo-StandInSecure $secret }
    # SecretManagement writes a byte[] secret as one object, not byte by byte.
    $PSCmdlet.WriteObject($secret, $false)
}
