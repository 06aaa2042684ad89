# Module manifest for AzBlobSync. ModuleVersion below is the ONLY place the version is written:
# PSModule/Directory.Build.props reads it for the .NET assemblies.
@{
    RootModule           = 'AzBlobSync.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b6a3e-3c1d-4b8e-9a55-2f8d7c4e1b90'
    Author               = 'AzBlobSync contributors'
    CompanyName          = 'AzBlobSync contributors'
    Copyright            = '(c) AzBlobSync contributors. MIT License.'
    Description          = 'One-way sync between a local folder and an Azure Blob Storage container, either way, a read-only check of what differs, and AzCopy-style copies of files, folders and blobs; backed by a native Rust engine.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('AzBlobSync.format.ps1xml')
    CmdletsToExport      = @('Copy-AzBlob', 'Get-AzBlobJob', 'New-AzBlobCredential', 'Remove-AzBlobJob', 'Resume-AzBlobJob', 'Sync-AzBlob', 'Test-AzBlobSync')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Azure', 'Blob', 'Storage', 'Sync', 'Copy', 'Backup', 'AzCopy', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            # Placeholder until the project has a public address; the Gallery shows it as the project site.
            ProjectUri   = 'https://github.com/azblobsync/azblobsync'
            ReleaseNotes = @'
0.1.0
- Sync-AzBlob: one-way sync of a folder into a container, a container into a folder, or a container into another
  (server-side), with filters, -CompareHash MD5, -DeleteDestination guarded by -MaxDelete, -WhatIf and -Confirm.
- Test-AzBlobSync: every difference between the two ends, writing nothing; -Quiet for scripts.
- Copy-AzBlob: AzCopy-style copies of files, folders and blobs, with -Overwrite.
- Full help (Get-Help <cmdlet> -Full, about_AzBlobSync), table views for every output type.
'@
        }
    }
}
