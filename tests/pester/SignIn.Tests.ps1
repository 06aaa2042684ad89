#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
  Sign-in as our users do it, in real pwsh: the recipe's SecretManagement hashtable through
  Sync-AzBlob -Vault -SecretName -TenantId to Azurite over HTTPS with bearer tokens, every byte read
  back by Azure's Python SDK; the vault's failures and a wrong secret each with their id; -Credential
  and New-AzBlobCredential; and no secret in any stream. Needs the release build (out/AzBlobSync,
  target/release/azbs-fake-identity) and Azurite in tests/tools.
#>

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    $script:Tenant = '8f0b3c4e-1111-4a2b-9c3d-0123456789ab'
    $script:App = '4d6c2a10-2222-4b3c-8d4e-abcdefabcdef'
    $script:Secret = 'Pester~Spn.Secret-never-shown-' + [guid]::NewGuid().ToString('n')
    $script:WrongSecret = 'Pester~Wrong.Secret-never-shown'

    # The tests' own Entra ID: a process with its own throwaway CA, whose certificate Azurite serves too.
    $fake = Join-Path $repoRoot 'target' 'release' 'azbs-fake-identity'
    if (-not (Test-Path $fake)) { throw "No $fake; run the build first." }
    $start = [System.Diagnostics.ProcessStartInfo]::new($fake)
    # The app's certificate (RSA, self-signed), registered with the tests' Entra ID, which verifies each assertion's signature with it.
    $script:CertPassword = 'Pester~Pfx.Password-never-shown'
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=azblobsync-pester-app', $rsa,
        [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $appCertificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(1))
    $script:PfxBytes = $appCertificate.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12, $CertPassword)
    $script:CertDir = Join-Path ([IO.Path]::GetTempPath()) ('azbs-cert-' + [guid]::NewGuid())
    New-Item -ItemType Directory -Path $CertDir | Out-Null
    $script:PfxPath = Join-Path $CertDir 'app.pfx'
    [IO.File]::WriteAllBytes($PfxPath, $PfxBytes)
    $registered = Join-Path $CertDir 'registered.pem'
    Set-Content -Path $registered -Value $appCertificate.ExportCertificatePem()
    $script:FederatedToken = 'Pester-federated-token-never-shown'
    $script:IdentityHeader = 'Pester-identity-header-never-shown'
    foreach ($a in '--tenant-id', $Tenant, '--client-id', $App, '--client-secret', $Secret, '--certificate-pem', $registered,
        '--federated-token', $FederatedToken, '--identity-header', $IdentityHeader) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $script:IdentityProcess = [System.Diagnostics.Process]::Start($start)
    $script:Identity = $IdentityProcess.StandardOutput.ReadLine() | ConvertFrom-Json

    # Azurite over HTTPS with bearer tokens, started as every suite starts it (tests/azurite.json).
    Import-Module (Join-Path $PSScriptRoot 'TestHarness.psm1') -Force
    $script:Azurite = Start-TestAzurite -Own -Scheme https -CaBundle $Identity.caPem -ExtraArguments '--oauth', 'basic', '--cert', $Identity.certPem, '--key', $Identity.keyPem
    $script:Container = "$($Azurite.BlobEndpoint)/backups"
    function script:Invoke-Oracle([string[]] $Arguments) { TestHarness\Invoke-Oracle $Azurite @Arguments }
    Invoke-Oracle 'create-container', 'backups'

    # Trust the test CA and ask the tests' Entra ID, as a TLS-inspecting proxy's CA and a custom cloud would be set.
    $env:SSL_CERT_FILE = $Identity.caPem
    $env:AZURE_AUTHORITY_HOST = $Identity.authorityHost
    foreach ($name in 'AZCOPY_AUTO_LOGIN_TYPE', 'AZCOPY_ACCOUNT_KEY', 'AZURE_STORAGE_KEY') { Remove-Item "Env:$name" -ErrorAction SilentlyContinue }

    # The stand-in SecretManagement, found by its real name through PSModulePath.
    $script:OldModulePath = $env:PSModulePath
    $env:PSModulePath = (Join-Path $PSScriptRoot 'SecretManagementStandIn') + [IO.Path]::PathSeparator + $env:PSModulePath
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    Import-Module (Join-Path $repoRoot 'out' 'AzBlobSync' 'AzBlobSync.psd1') -Force -ErrorAction Stop

    $script:Source = Join-Path ([IO.Path]::GetTempPath()) ('azbs-signin-' + [guid]::NewGuid())
    New-Item -ItemType Directory -Path (Join-Path $Source 'daily') -Force | Out-Null
    Set-Content -Path (Join-Path $Source 'daily' 'report.csv') -Value "id,amount`n1,42" -NoNewline
    [IO.File]::WriteAllBytes((Join-Path $Source 'big.bin'), [byte[]](1..2000000 | ForEach-Object { $_ % 251 }))

    # Everything a run shows: output, errors, verbose and debug, as text, for the leak checks.
    function script:Invoke-Captured([scriptblock] $Run) {
        $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
        $errors = $null
        $all = try { & $Run -ErrorVariable +errors 4>&1 5>&1 2>&1 } catch { $_ }
        [pscustomobject]@{ All = @($all) + @($errors); Text = (@($all) + @($errors) | ForEach-Object { $_ | Out-String; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString(); $_.FullyQualifiedErrorId } }) -join "`n" }
    }
    # A sync in a child pwsh: the engine reads IDENTITY_ENDPOINT and PATH from its own process environment,
    # which a child takes from us when it starts (a $env: change inside this process never reaches it).
    function script:Invoke-SyncInChild([string] $CredentialCommand, [string] $Url) {
        & (Get-PwshPath) -NoProfile -NonInteractive -Command {
            param($ModulePath, $SourcePath, $Url, $CredentialCommand)
            Import-Module $ModulePath
            $credential = Invoke-Expression $CredentialCommand
            $summary = Sync-AzBlob -Path $SourcePath -Destination $Url -Credential $credential -ErrorAction Stop | Where-Object { $_ -is [AzBlobSync.JobSummary] }
            "status=$($summary.Status)"
        } -args (Get-TestModuleManifest), $Source, $Url, $CredentialCommand 2>&1
    }
    function script:Get-Blobs([string] $Prefix) { Invoke-Oracle 'inventory', 'backups', $Prefix | ConvertFrom-Json }
    function script:Md5([string] $Path) { (Get-FileHash -Algorithm MD5 -Path $Path).Hash.ToLowerInvariant() }
}

AfterAll {
    Remove-Module AzBlobSync, Microsoft.PowerShell.SecretManagement -ErrorAction SilentlyContinue
    $env:PSModulePath = $OldModulePath
    Remove-Item Env:SSL_CERT_FILE, Env:AZURE_AUTHORITY_HOST -ErrorAction SilentlyContinue
    if ($Azurite) { Stop-TestAzurite $Azurite }
    if ($IdentityProcess) { $IdentityProcess.StandardInput.Close(); $null = $IdentityProcess.WaitForExit(10000); if (-not $IdentityProcess.HasExited) { $IdentityProcess.Kill() } }
    Remove-Item -Recurse -Force $Source, $CertDir -ErrorAction SilentlyContinue
}

Describe 'Sync-AzBlob -Vault -SecretName -TenantId' {
    BeforeEach { Reset-StandIn }

    It 'signs in with the recipe''s exact hashtable and uploads every byte' {
        Set-StandInSecret -Vault BlobVault -Name StorageSPN -Secret @{ ServicePrincipalId = $App; ServicePrincipalSecret = $Secret }
        $run = Invoke-Captured { Sync-AzBlob -Path $Source -Destination "$Container/recipe" -Vault BlobVault -SecretName StorageSPN -TenantId $Tenant -PutMd5 -CompareHash MD5 -Verbose }
        $run.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        $blobs = Get-Blobs 'recipe/'
        ($blobs.name | Sort-Object) | Should -Be @('recipe/big.bin', 'recipe/daily/report.csv')
        ($blobs | Where-Object name -EQ 'recipe/big.bin').md5OfContent | Should -Be (Md5 (Join-Path $Source 'big.bin'))
        ($blobs | Where-Object name -EQ 'recipe/daily/report.csv').md5OfContent | Should -Be (Md5 (Join-Path $Source 'daily' 'report.csv'))
        $run.Text | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'fails a wrong secret with SignInFailed and the service''s reason, never the secret' {
        Set-StandInSecret -Vault BlobVault -Name StorageSPN -Secret @{ ServicePrincipalId = $App; ServicePrincipalSecret = $WrongSecret }
        $run = Invoke-Captured { Sync-AzBlob -Path $Source -Destination "$Container/wrong" -Vault BlobVault -SecretName StorageSPN -TenantId $Tenant -ErrorAction Stop }
        $err = $run.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Select-Object -First 1
        $err.FullyQualifiedErrorId | Should -BeLike 'AzBlobSync.SignInFailed*'
        $err.Exception.Message | Should -Match 'AADSTS7000215'
        $run.Text | Should -Not -Match ([regex]::Escape($WrongSecret))
    }

    It 'names each vault failure with its own id and what to do' -ForEach @(
        @{ Case = 'locked vault'; Setup = { Set-StandInSecret -Vault BlobVault -Name StorageSPN -Secret @{ ServicePrincipalId = 'x'; ServicePrincipalSecret = 'y' }; Set-StandInVaultLock -Vault BlobVault }; Vault = 'BlobVault'; Name = 'StorageSPN'; Id = 'AzBlobSync.VaultLocked'; Says = 'Unlock-SecretStore' }
        @{ Case = 'missing vault'; Setup = {}; Vault = 'NoSuchVault'; Name = 'StorageSPN'; Id = 'AzBlobSync.VaultNotFound'; Says = 'Get-SecretVault' }
        @{ Case = 'missing secret'; Setup = { Set-StandInSecret -Vault BlobVault -Name Other -Secret 'x' }; Vault = 'BlobVault'; Name = 'StorageSPN'; Id = 'AzBlobSync.SecretNotFound'; Says = 'Get-SecretInfo' }
        @{ Case = 'wrong shape'; Setup = { Set-StandInSecret -Vault BlobVault -Name StorageSPN -Secret @{ User = 'x' } }; Vault = 'BlobVault'; Name = 'StorageSPN'; Id = 'AzBlobSync.SecretWrongShape'; Says = 'ServicePrincipalId' }
    ) {
        & $Setup
        $err = $null
        try { Sync-AzBlob -Path $Source -Destination "$Container/vault" -Vault $Vault -SecretName $Name -TenantId $Tenant -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*" -Because $Case
        $err.Exception.Message | Should -Match ([regex]::Escape($Says))
    }

    It 'refuses a secret without a tenant when -TenantId is missing' {
        Set-StandInSecret -Vault BlobVault -Name StorageSPN -Secret @{ ServicePrincipalId = $App; ServicePrincipalSecret = $Secret }
        { Sync-AzBlob -Path $Source -Destination "$Container/x" -Vault BlobVault -SecretName StorageSPN -ErrorAction Stop } | Should -Throw -ErrorId 'AzBlobSync.MissingTenant,AzBlobSync.PowerShell.SyncAzBlobCommand'
    }
}

Describe 'Sync-AzBlob -Credential' {
    It 'takes a PSCredential with -TenantId, and a New-AzBlobCredential service principal' {
        $credential = [pscredential]::new($App, (ConvertTo-SecureString $Secret -AsPlainText -Force))
        $run = Invoke-Captured { Sync-AzBlob -Path $Source -Destination "$Container/pscredential" -Credential $credential -TenantId $Tenant -Verbose }
        $run.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        (Get-Blobs 'pscredential/').Count | Should -Be 2

        $made = New-AzBlobCredential -ServicePrincipal $credential -TenantId $Tenant
        "$made" | Should -Not -Match ([regex]::Escape($Secret))
        Sync-AzBlob -Path $Source -Destination "$Container/made" -Credential $made | Out-Null
        (Get-Blobs 'made/').Count | Should -Be 2
        $run.Text | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'signs in with a certificate: the PFX bytes from the vault, and New-AzBlobCredential -CertificatePath' {
        $password = ConvertTo-SecureString $CertPassword -AsPlainText -Force
        Set-StandInSecret -Vault BlobVault -Name StorageCert -Secret @{ ServicePrincipalId = $App; Certificate = $PfxBytes; CertificatePassword = $password }
        $run = Invoke-Captured { Sync-AzBlob -Path $Source -Destination "$Container/cert-vault" -Vault BlobVault -SecretName StorageCert -TenantId $Tenant -Verbose }
        $run.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        ((Get-Blobs 'cert-vault/').name | Sort-Object) | Should -Be @('cert-vault/big.bin', 'cert-vault/daily/report.csv')

        $made = New-AzBlobCredential -TenantId $Tenant -ClientId $App -CertificatePath $PfxPath -CertificatePassword $password
        "$made" | Should -Not -Match ([regex]::Escape($CertPassword))
        $run2 = Invoke-Captured { Sync-AzBlob -Path $Source -Destination "$Container/cert-file" -Credential $made -Verbose }
        $run2.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        ((Get-Blobs 'cert-file/').md5OfContent | Sort-Object) | Should -Be (@((Md5 (Join-Path $Source 'big.bin')), (Md5 (Join-Path $Source 'daily' 'report.csv'))) | Sort-Object)
        foreach ($text in $run.Text, $run2.Text) { $text | Should -Not -Match ([regex]::Escape($CertPassword)) }

        # A wrong password is the engine's to refuse, with a sentence and without the password.
        $wrong = New-AzBlobCredential -TenantId $Tenant -ClientId $App -CertificatePath $PfxPath -CertificatePassword (ConvertTo-SecureString 'Wrong~Pfx' -AsPlainText -Force)
        $err = $null
        try { Sync-AzBlob -Path $Source -Destination "$Container/cert-wrong" -Credential $wrong -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'AzBlobSync.InvalidCredential,*'
        $err.Exception.Message | Should -Match 'password'
        @(Get-Blobs 'cert-wrong/').Count | Should -Be 0
    }

    It 'records the vault and secret name with the job, and Resume-AzBlobJob reads the same secret again' {
        Set-StandInSecret -Vault BlobVault -Name StorageSPN -Secret @{ ServicePrincipalId = $App; ServicePrincipalSecret = $Secret }
        $jobs = Join-Path $CertDir 'jobs-vault'
        $container = 'later-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        # The container does not exist yet: the job fails as a whole and stays resumable.
        $err = $null
        try { Sync-AzBlob -Path $Source -Destination "$($Azurite.BlobEndpoint)/$container" -Vault BlobVault -SecretName StorageSPN -TenantId $Tenant -JobDirectory $jobs -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $job = @(Get-AzBlobJob -JobDirectory $jobs)[0]
        $job.Status | Should -Be 'Failed'
        $recorded = (Get-AzBlobJob -JobDirectory $jobs -JobId $job.JobId).SignInReference
        ($recorded.Vault, $recorded.SecretName, $recorded.TenantId) | Should -Be @('BlobVault', 'StorageSPN', $Tenant)

        Invoke-Oracle 'create-container', $container
        $run = Invoke-Captured { Resume-AzBlobJob -JobId $job.JobId -JobDirectory $jobs -Verbose }
        $run.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        $blobs = Invoke-Oracle 'inventory', $container | ConvertFrom-Json
        ($blobs.name | Sort-Object) | Should -Be @('big.bin', 'daily/report.csv')
        ($blobs | Where-Object name -EQ 'big.bin').md5OfContent | Should -Be (Md5 (Join-Path $Source 'big.bin'))
        (Get-AzBlobJob -JobDirectory $jobs -JobId $job.JobId).Status | Should -Be 'Completed'
        # The journal and the log hold the reference, never the secret.
        foreach ($file in Get-ChildItem -Recurse -File $jobs) {
            [IO.File]::ReadAllText($file.FullName) | Should -Not -Match ([regex]::Escape($Secret))
        }
        $run.Text | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'signs in with a workload identity token file and, in a process given IDENTITY_ENDPOINT, as a managed identity' {
        $tokenFile = Join-Path $CertDir 'federated-token'
        Set-Content -Path $tokenFile -Value $FederatedToken -NoNewline
        $workload = New-AzBlobCredential -WorkloadIdentity -TenantId $Tenant -ClientId $App -TokenFilePath $tokenFile
        $run = Invoke-Captured { Sync-AzBlob -Path $Source -Destination "$Container/workload" -Credential $workload -Verbose }
        $run.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        ((Get-Blobs 'workload/').name | Sort-Object) | Should -Be @('workload/big.bin', 'workload/daily/report.csv')

        # The managed-identity endpoint comes from the process environment, as the platform sets it before the
        # process starts (and as Azure's SDKs read it): a child pwsh is started with it.
        $env:IDENTITY_ENDPOINT = $Identity.identityEndpoint; $env:IDENTITY_HEADER = $IdentityHeader
        try {
            $output = Invoke-SyncInChild 'New-AzBlobCredential -ManagedIdentity' "$Container/managed"
        } finally {
            Remove-Item Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER
        }
        "$output" | Should -Match 'status=Completed'
        ((Get-Blobs 'managed/').md5OfContent | Sort-Object) | Should -Be (@((Md5 (Join-Path $Source 'big.bin')), (Md5 (Join-Path $Source 'daily' 'report.csv'))) | Sort-Object)
        foreach ($text in $run.Text, "$output") {
            $text | Should -Not -Match ([regex]::Escape($FederatedToken))
            $text | Should -Not -Match ([regex]::Escape($IdentityHeader))
        }
    }

    It 'signs in as the account az is signed in with, by New-AzBlobCredential -AzureCli (a stand-in az on PATH)' {
        # A token Azurite accepts (issuer, audience and times; it does not check the signature), as `az` would print it.
        $part = { param($value) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(($value | ConvertTo-Json -Compress))).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $claims = @{ aud = 'https://storage.azure.com'; iss = "https://sts.windows.net/$Tenant/"; iat = $now - 60; nbf = $now - 60; exp = $now + 3600; sub = 'az-cli-user'; tid = $Tenant }
        $token = "$(& $part @{ alg = 'RS256'; typ = 'JWT' }).$(& $part $claims).c2lnbmF0dXJl"
        $bin = Join-Path $CertDir 'fake-az'
        New-Item -ItemType Directory -Force -Path $bin | Out-Null
        $az = Join-Path $bin 'az'
        Set-Content -Path $az -Value @"
#!/bin/sh
# A stand-in for the Azure CLI: answers only what the sign-in asks.
case "`$*" in
  *'account get-access-token'*'--scope https://storage.azure.com/.default'*) printf '%s' '{"accessToken":"$token","expires_on":$($now + 3600),"tokenType":"Bearer"}' ;;
  *) echo "unexpected: `$*" >&2; exit 1 ;;
esac
"@
        chmod +x $az
        # `az` is found on the engine's PATH, which a child process takes from us at its start.
        $oldPath = $env:PATH
        $env:PATH = "$bin$([IO.Path]::PathSeparator)$oldPath"
        try {
            $output = Invoke-SyncInChild 'New-AzBlobCredential -AzureCli' "$Container/azure-cli"
        } finally {
            $env:PATH = $oldPath
        }
        "$output" | Should -Match 'status=Completed'
        ((Get-Blobs 'azure-cli/').name | Sort-Object) | Should -Be @('azure-cli/big.bin', 'azure-cli/daily/report.csv')
    }

    It 'honours AzCopy''s SPN variables when nothing more specific is given' {
        $env:AZCOPY_AUTO_LOGIN_TYPE = 'SPN'; $env:AZCOPY_SPA_APPLICATION_ID = $App; $env:AZCOPY_SPA_CLIENT_SECRET = $Secret; $env:AZCOPY_TENANT_ID = $Tenant
        try {
            $run = Invoke-Captured { Sync-AzBlob -Path $Source -Destination "$Container/azcopy-variables" -Verbose }
        } finally {
            Remove-Item Env:AZCOPY_AUTO_LOGIN_TYPE, Env:AZCOPY_SPA_APPLICATION_ID, Env:AZCOPY_SPA_CLIENT_SECRET, Env:AZCOPY_TENANT_ID
        }
        $run.All | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Should -BeNullOrEmpty
        (Get-Blobs 'azcopy-variables/').Count | Should -Be 2
        $run.Text | Should -Not -Match ([regex]::Escape($Secret))
    }
}
