#Requires -Version 7.4
<#
  The cmdlet line's contract as PowerShell itself sees it: parameter sets, binding, and every refusal of
  bad input with its stable error id, before any network (the URLs point at a closed port). The end to
  end behaviour against Azurite is in the other *.Tests.ps1 files here. Run by ./build.sh test through
  Invoke-PesterSuite.ps1; AZBLOBSYNC_MODULE_PATH points at another module folder than out/AzBlobSync.
#>

BeforeAll {
    $repoRoot = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    $modulePath = $env:AZBLOBSYNC_MODULE_PATH
    if (-not $modulePath) { $modulePath = Join-Path $repoRoot 'out' 'AzBlobSync' }
    $manifest = Join-Path $modulePath 'AzBlobSync.psd1'
    if (-not (Test-Path $manifest)) { throw "No module at $modulePath; run the build first." }
    Import-Module $manifest -Force -ErrorAction Stop
    $source = Join-Path ([IO.Path]::GetTempPath()) ("azbs-pester-" + [guid]::NewGuid())
    New-Item -ItemType Directory -Path $source | Out-Null
    Set-Content -Path (Join-Path $source 'a.txt') -Value 'a'
}

AfterAll {
    Remove-Module AzBlobSync -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $source -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'exports exactly the transfer cmdlets, the job cmdlets and New-AzBlobCredential' {
        (Get-Command -Module AzBlobSync).Name | Sort-Object | Should -Be @('Copy-AzBlob', 'Get-AzBlobJob', 'New-AzBlobCredential', 'Remove-AzBlobJob', 'Resume-AzBlobJob', 'Sync-AzBlob', 'Test-AzBlobSync')
    }

    It 'has a table view for every output type' {
        foreach ($type in 'AzBlobSync.TransferResult', 'AzBlobSync.JobSummary', 'AzBlobSync.SyncDifference') {
            Get-FormatData -TypeName $type | Should -Not -BeNullOrEmpty -Because $type
        }
    }
}

Describe 'Sync-AzBlob' {

    It 'supports -WhatIf and -Confirm' {
        $command = Get-Command Sync-AzBlob
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'has -Path and -LiteralPath (alias PSPath) upload sets, a -SourceUri download set and a -SourceUri -DestinationUri set' {
        $command = Get-Command Sync-AzBlob
        $command.ParameterSets.Name | Sort-Object | Should -Be @('BetweenContainers', 'Download', 'LiteralPath', 'Path')
        $command.Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
        $command.Parameters['PutMd5'].ParameterSets.Keys | Sort-Object | Should -Be @('LiteralPath', 'Path')
        $command.Parameters['CheckMd5'].ParameterSets.Keys | Should -Be @('Download')
    }

    It 'refuses -PutMd5 on a download and -CheckMd5 on an upload' {
        { Sync-AzBlob -SourceUri 'http://127.0.0.1:1/devstoreaccount1/ccc' -Destination $source -PutMd5 } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,AzBlobSync.PowerShell.SyncAzBlobCommand'
        { Sync-AzBlob -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -CheckMd5 LogOnly } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'reports a malformed -SourceUri as the source, without its signature, with the folder given by position' {
        $err = $null
        try { Sync-AzBlob -SourceUri 'ftp://x/y?sig=TOPSECRET' $source -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidSource,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $err.Exception.Message | Should -Not -Match 'TOPSECRET'
    }

    It 'binds -SourceUri with -DestinationUri to the between-containers set and reports each bad end with its own id' {
        $good = 'http://127.0.0.1:1/devstoreaccount1/ccc'
        $err = $null
        try { Sync-AzBlob -SourceUri 'src/site' -DestinationUri $good -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidSource,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $err = $null
        try { Sync-AzBlob -SourceUri $good -DestinationUri 'ftp://x/y?sig=TOPSECRET' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $err.Exception.Message | Should -Not -Match 'TOPSECRET'
        # No local ends between containers: neither -PutMd5 nor -CheckMd5.
        { Sync-AzBlob -SourceUri $good -DestinationUri $good -CheckMd5 LogOnly } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'resolves a download folder against the current PowerShell location' {
        Push-Location $source
        try {
            # 'a.txt' is a file in the current location (not the process's working folder): refused as a folder.
            { Sync-AzBlob -SourceUri 'http://127.0.0.1:1/devstoreaccount1/ccc' -Destination 'a.txt' -ErrorAction Stop } |
                Should -Throw -ErrorId 'AzBlobSync.DestinationNotAFolder,AzBlobSync.PowerShell.SyncAzBlobCommand'
        }
        finally { Pop-Location }
    }

    It 'takes ages as 7d or a TimeSpan and refuses a bare number' {
        { Sync-AzBlob -Path $source -Destination 'not a url' -MinAge '7d' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.SyncAzBlobCommand'
        { Sync-AzBlob -Path $source -Destination 'not a url' -MaxAge (New-TimeSpan -Hours 12) -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.SyncAzBlobCommand'
        { Sync-AzBlob -Path $source -Destination 'not a url' -MinAge 3600 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'rejects a negative -MaxDelete and an absolute -ExcludePath before doing anything' {
        { Sync-AzBlob -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -DeleteDestination -MaxDelete -1 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,AzBlobSync.PowerShell.SyncAzBlobCommand'
        { Sync-AzBlob -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -ExcludePath $source -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.InvalidSpec,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'rejects -Concurrency outside 1..512 before doing anything' {
        { Sync-AzBlob -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -Concurrency 0 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'reports a missing source folder with a stable error id' {
        { Sync-AzBlob -LiteralPath (Join-Path $source 'missing') -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.SourceNotFound,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'reports a wildcard matching nothing as SourceNotFound' {
        { Sync-AzBlob -Path (Join-Path $source 'nothing-*') -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.SourceNotFound,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'reports a malformed destination without showing the SAS signature' {
        $err = $null
        try { Sync-AzBlob -Path $source -Destination 'ftp://x/y?sig=TOPSECRET' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.SyncAzBlobCommand'
        $err.Exception.Message | Should -Not -Match 'TOPSECRET'
    }

    It 'accepts a folder from the pipeline by PSPath' {
        $err = $null
        try { Get-Item $source | Sync-AzBlob -Destination 'not a url' -ErrorAction Stop } catch { $err = $_ }
        # Reaching the destination check proves the piped folder was accepted as the source.
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }
}

Describe 'Sync-AzBlob and Test-AzBlobSync compare by hash' {
    It 'take -CompareHash None or MD5 and -HashCachePath in every set' {
        foreach ($name in 'Sync-AzBlob', 'Test-AzBlobSync') {
            $parameters = (Get-Command $name).Parameters
            [enum]::GetNames($parameters['CompareHash'].ParameterType) | Sort-Object | Should -Be @('MD5', 'None') -Because $name
            $parameters['HashCachePath'].ParameterType | Should -Be ([string]) -Because $name
        }
        # An enum parameter refuses an unknown name while binding (not in a transformation attribute).
        { Sync-AzBlob -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -CompareHash SHA1 } |
            Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }

    It 'refuses a folder as -HashCachePath before doing anything' {
        { Test-AzBlobSync -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -CompareHash MD5 -HashCachePath $source -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.InvalidSpec,AzBlobSync.PowerShell.TestAzBlobSyncCommand'
    }

    It 'gives Sync-AzBlob upload properties on upload only' {
        $parameters = (Get-Command Sync-AzBlob).Parameters
        foreach ($name in 'ContentType', 'CacheControl', 'Metadata', 'Tag', 'AccessTier') {
            $parameters[$name].ParameterSets.Keys | Sort-Object | Should -Be @('LiteralPath', 'Path') -Because $name
        }
        { Sync-AzBlob -Path $source -Destination 'http://127.0.0.1:1/devstoreaccount1/ccc' -Metadata @{ mtime = 'forged' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.InvalidSpec,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }
}

Describe 'Copy-AzBlob' {
    BeforeAll {
        $url = 'http://127.0.0.1:1/devstoreaccount1/ccc/in/'
        foreach ($folder in 'folder', 'folder2') {
            New-Item -ItemType Directory -Path (Join-Path $source $folder) -Force | Out-Null
            Set-Content -Path (Join-Path $source $folder 'b.txt') -Value 'b'
        }
    }

    It 'supports -WhatIf and -Confirm and has the upload and download sets' {
        $command = Get-Command Copy-AzBlob
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
        $command.ParameterSets.Name | Sort-Object | Should -Be @('BetweenContainers', 'Download', 'LiteralPath', 'Path')
        $command.Parameters['LiteralPath'].Aliases | Should -Contain 'FullName'
        $command.Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
        [enum]::GetNames($command.Parameters['Overwrite'].ParameterType) | Should -Be @('True', 'False', 'IfSourceNewer', 'Prompt')
        $command.OutputType.Name | Sort-Object | Should -Be @('AzBlobSync.JobSummary', 'AzBlobSync.TransferResult')
    }

    It 'takes piped folders one by one: each without -Recursive is its own non-terminating error' {
        # No job starts (nothing listens at the URL anyway): each folder is refused before, and the next still comes.
        $errors = @()
        Get-ChildItem $source -Directory | Copy-AzBlob -Destination $url -ErrorAction SilentlyContinue -ErrorVariable +errors
        $errors.Count | Should -Be 2
        $errors.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'AzBlobSync.InvalidSpec,AzBlobSync.PowerShell.CopyAzBlobCommand'
        $errors[0].Exception.Message | Should -Match '-Recursive'
    }

    It 'binds FullName from objects that have only that property' {
        $err = $null
        try { [pscustomobject]@{ FullName = (Join-Path $source 'folder') } | Copy-AzBlob -Destination $url -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidSpec,AzBlobSync.PowerShell.CopyAzBlobCommand'
    }

    It 'keeps a trailing \* as "the contents" rather than expanding it' {
        # Expanded, the two folders would each be refused (no -Recursive). As contents it is one job, which the engine
        # ends at once on a key that is not base64, before any network.
        $key = ConvertTo-SecureString 'not base64!' -AsPlainText -Force
        $errors = @()
        $err = $null
        try { Copy-AzBlob -Path (Join-Path $source '*') -Destination $url -StorageAccountKey $key -ErrorAction SilentlyContinue -ErrorVariable +errors } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidAccountKey,AzBlobSync.PowerShell.CopyAzBlobCommand'
        $errors.FullyQualifiedErrorId | Should -Not -Contain 'AzBlobSync.InvalidSpec,AzBlobSync.PowerShell.CopyAzBlobCommand'
    }

    It 'reports a missing path as a non-terminating error' {
        $errors = @()
        Copy-AzBlob -Path (Join-Path $source 'missing.txt') -Destination $url -ErrorAction SilentlyContinue -ErrorVariable +errors
        $errors.FullyQualifiedErrorId | Should -Contain 'AzBlobSync.SourceNotFound,AzBlobSync.PowerShell.CopyAzBlobCommand'
    }

    It 'refuses -PutMd5 on a download and -CheckMd5 on an upload' {
        { Copy-AzBlob -SourceUri 'http://127.0.0.1:1/devstoreaccount1/ccc/*' -Destination $source -PutMd5 } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,AzBlobSync.PowerShell.CopyAzBlobCommand'
        { Copy-AzBlob -Path $source -Destination $url -CheckMd5 LogOnly } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,AzBlobSync.PowerShell.CopyAzBlobCommand'
    }

    It 'copies between containers with -SourceUri and -DestinationUri, a malformed source as InvalidSource' {
        $err = $null
        try { Copy-AzBlob -SourceUri 'https://' -DestinationUri $url -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidSource,AzBlobSync.PowerShell.CopyAzBlobCommand'
    }

    It 'reports a malformed -SourceUri as the source, without its signature' {
        $err = $null
        try { Copy-AzBlob -SourceUri 'ftp://x/y/*?sig=TOPSECRET' -Destination $source -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'AzBlobSync.InvalidSource,AzBlobSync.PowerShell.CopyAzBlobCommand'
        $err.Exception.Message | Should -Not -Match 'TOPSECRET'
    }
}

Describe 'Test-AzBlobSync' {
    It 'is read-only: no -WhatIf or -Confirm, and a -Quiet switch' {
        $command = Get-Command Test-AzBlobSync
        $command.Parameters.Keys | Should -Not -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Not -Contain 'Confirm'
        $command.Parameters['Quiet'].SwitchParameter | Should -BeTrue
        $command.ParameterSets.Name | Sort-Object | Should -Be @('BetweenContainers', 'Download', 'LiteralPath', 'Path')
        $command.OutputType.Name | Sort-Object | Should -Be @('AzBlobSync.SyncDifference', 'System.Boolean')
    }

    It 'takes the same filters as Sync-AzBlob' {
        $sync = (Get-Command Sync-AzBlob).Parameters
        $test = (Get-Command Test-AzBlobSync).Parameters
        foreach ($name in 'Include', 'Exclude', 'IncludePath', 'ExcludePath', 'IncludeRegex', 'ExcludeRegex', 'IncludeAfter', 'IncludeBefore', 'MinAge', 'MaxAge') {
            $test[$name].ParameterType | Should -Be $sync[$name].ParameterType -Because $name
        }
    }

    It 'reports a malformed destination with its own stable error id' {
        { Test-AzBlobSync -Path $source -Destination 'not a url' -Quiet -ErrorAction Stop } |
            Should -Throw -ErrorId 'AzBlobSync.InvalidDestination,AzBlobSync.PowerShell.TestAzBlobSyncCommand'
    }
}
