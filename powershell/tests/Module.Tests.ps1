#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:exported = @('ConvertFrom-AuditData', 'Export-AuditReport', 'Find-AuditPivot', 'Get-AuditSession', 'Get-MailboxExposure', 'Import-AuditLog', 'Select-AuditSession')
}

Describe 'AuditSift module' {
    It 'has a valid manifest for Windows PowerShell 5.1 and PowerShell 7' {
        $manifest = Test-ModuleManifest -Path $script:ModuleManifest -ErrorAction Stop
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
        $manifest.PrivateData.PSData.Tags | Should -Contain 'MailItemsAccessed'
        $manifest.Description | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the public functions' {
        $functions = (Get-Module AuditSift).ExportedFunctions.Keys | Sort-Object
        $functions | Should -Be $script:exported
    }

    It 'has help with examples for every exported function' -ForEach @(
        @{ Name = 'ConvertFrom-AuditData' }, @{ Name = 'Select-AuditSession' }, @{ Name = 'Get-AuditSession' }, @{ Name = 'Import-AuditLog' },
        @{ Name = 'Get-MailboxExposure' }, @{ Name = 'Find-AuditPivot' }, @{ Name = 'Export-AuditReport' }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -Match "^$Name"
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $help.Description | Should -Not -BeNullOrEmpty
    }

    It 'has an about topic' {
        Join-Path $script:RepoRoot 'powershell/AuditSift/en-US/about_AuditSift.help.txt' | Should -Exist
    }

    It 'can be imported twice in one session' {
        { Import-Module $script:ModuleManifest -Force -ErrorAction Stop } | Should -Not -Throw
        { Import-Module $script:ModuleManifest -Force -ErrorAction Stop } | Should -Not -Throw
        @((New-IncidentResults) | ConvertFrom-AuditData) | Should -HaveCount 6
        [AuditSift.Native]::LibraryPath | Should -Be $env:AUDITSIFT_NATIVE_LIBRARY
    }

    It 'formats records as a table and a list' {
        $records = @((New-IncidentResults) | ConvertFrom-AuditData)
        $table = $records | Format-Table | Out-String
        $table | Should -Match 'CreationTime \(UTC\)'
        $table | Should -Match '2026-03-02 09:30:00Z'
        $table | Should -Match '7C3E91A4'
        $list = $records[0] | Format-List | Out-String
        $list | Should -Match 'AADSessionId\s+: 2f8d6b1c'
    }

    It 'names the path it looked for when the library is missing' {
        $copy = Join-Path $TestDrive 'AuditSift'
        Copy-Item -Recurse -LiteralPath (Split-Path $script:ModuleManifest) -Destination $copy
        $runtimes = Join-Path $copy 'runtimes'
        if (Test-Path -LiteralPath $runtimes) { Remove-Item -Recurse -Force -LiteralPath $runtimes }
        $pwsh = (Get-Process -Id $PID).Path
        $command = "`$env:AUDITSIFT_NATIVE_LIBRARY = `$null; try { Import-Module '$copy/AuditSift.psd1' -ErrorAction Stop; 'imported' } catch { `$_.Exception.Message }"
        $message = & $pwsh -NoProfile -NonInteractive -Command $command
        ($message -join "`n") | Should -Match 'no native library for this platform'
        ($message -join "`n") | Should -Match ([regex]::Escape((Join-Path $copy 'runtimes')))
    }
}
