# A stand-in for Microsoft.PowerShell.SecretManagement (which cannot be installed on the test machine),
# put on PSModulePath by tests/pester/SignIn.Tests.ps1. Its Get-Secret behaves as documented: hashtable
# values come back as SecureString unless -AsPlainText; a missing vault or secret and a locked
# SecretStore fail with SecretManagement's and SecretStore's own errors.
@{
    RootModule        = 'Microsoft.PowerShell.SecretManagement.psm1'
    ModuleVersion     = '1.1.2'
    GUID              = 'a5c858f6-4a8e-41f1-b1ee-0ff8f6ad69d3'
    Description       = 'Test stand-in for Microsoft.PowerShell.SecretManagement'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-Secret', 'Get-SecretVault', 'Get-SecretInfo', 'Set-StandInSecret', 'Set-StandInVaultLock', 'Reset-StandIn')
}
