#Requires -Version 7.4
<#
  Get-Help as a user sees it, from the MAML the build generated into out/AzBlobSync/en-US: every cmdlet has a
  synopsis, a description, text for every parameter (a new parameter without help fails here, and already in the
  build), at least two examples, and Sync-AzBlob's first example is the nightly scheduled sync.
#>

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $cmdlets = @(Get-Command -Module AzBlobSync -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
    }

    It 'comes from the MAML file, not the syntax-only fallback' {
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo'
        $help.ModuleName | Should -Be 'AzBlobSync'
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape("$Name ["))   # the fallback's synopsis is the syntax
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 100
    }

    It 'describes every parameter the cmdlet has' {
        $declared = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $commonParameters -or $_ -in 'WhatIf', 'Confirm' }
        $documented = @{}
        foreach ($parameter in $help.parameters.parameter) { $documented[$parameter.name] = ($parameter.description.Text -join ' ') }
        foreach ($parameter in $declared) {
            $documented[$parameter] | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs help text"
        }
    }

    It 'has at least two examples, each with code and an explanation' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.examples.example) {
            $example.code | Should -Match $Name
            ($example.remarks.Text -join ' ') | Should -Not -BeNullOrEmpty
        }
    }

    It 'says what it outputs' {
        @($help.returnValues.returnValue).Count | Should -Be @((Get-Command $Name).OutputType).Count
        foreach ($output in $help.returnValues.returnValue) { ($output.description.Text -join ' ') | Should -Not -BeNullOrEmpty }
    }

    It 'shows every parameter set in its syntax' {
        @($help.syntax.syntaxItem).Count | Should -Be @((Get-Command $Name).ParameterSets).Count
    }
}

Describe 'The help as a user reads it' {
    It 'opens Sync-AzBlob -Examples with the nightly scheduled sync' {
        $text = Get-Help Sync-AzBlob -Examples | Out-String -Width 200
        $first = @((Get-Help Sync-AzBlob).examples.example)[0]
        $first.title | Should -Match 'nightly'
        $first.code | Should -Match 'Register-ScheduledTask'
        $first.code | Should -Match 'Sync-AzBlob -Path'
        $text | Should -Match 'Example 1: The nightly job'
    }

    It 'shows the enum values of -CompareHash in the syntax' {
        (Get-Help Sync-AzBlob | Out-String -Width 400) | Should -Match ([regex]::Escape('[-CompareHash {None | MD5}]'))
    }

    It 'has an about_AzBlobSync topic that explains the two kinds of output object' {
        $about = Get-Help about_AzBlobSync | Out-String
        $about | Should -Match 'AzBlobSync.JobSummary'
        $about | Should -Match 'Where-Object \{ \$_ -is \[AzBlobSync.TransferResult\] \}'
    }
}
