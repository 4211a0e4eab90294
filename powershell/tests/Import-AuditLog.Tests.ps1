#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:results = @(New-IncidentResults)
    $script:jsonl = Join-Path $TestDrive 'records.jsonl'
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    [System.IO.File]::WriteAllText($script:jsonl, (($script:results.AuditData + '{ broken') -join "`n") + "`n", $utf8)
    $script:csv = Join-Path $TestDrive 'AuditLog_2026-03-05.csv'
    $script:results | ForEach-Object {
        [pscustomobject]@{
            RecordId = $_.Identity; CreationDate = '3/2/2026 9:00:00 AM'; RecordType = 'ExchangeItem'; Operation = $_.Operations
            UserId = $_.UserIds; AuditData = $_.AuditData; AssociatedAdminUnits = ''; AssociatedAdminUnitsNames = ''
        }
    } | Export-Csv -LiteralPath $script:csv -NoTypeInformation -Encoding UTF8
}

Describe 'Import-AuditLog' {
    It 'reads a Purview CSV export with a session filter, in time order' {
        $records = @(Import-AuditLog -Path $script:csv -SessionId $script:AttackerSession)
        $records.Operation | Should -Be @('New-InboxRule', 'MailItemsAccessed', 'HardDelete')
        $records[0] | Should -BeOfType ([AuditSift.AuditRecord])
        $records[0].AuditData | Should -Match 'New-InboxRule'
    }

    It 'de-duplicates across files and accepts wildcards' {
        Copy-Item -LiteralPath $script:csv -Destination (Join-Path $TestDrive 'AuditLog_copy.csv')
        $records = @(Import-AuditLog -Path (Join-Path $TestDrive 'AuditLog_*.csv') -Operation HardDelete)
        $records | Should -HaveCount 1
    }

    It 'reads JSON lines and reports the broken line with its file' {
        $records = @(Import-AuditLog -LiteralPath $script:jsonl -ErrorVariable errs -ErrorAction SilentlyContinue)
        $records | Should -HaveCount 6
        $errs | Should -HaveCount 1
        $errs[0].Exception.Message | Should -Match 'records\.jsonl'
        $errs[0].Exception.Error.RawText | Should -BeExactly '{ broken'
    }

    It 'streams in file order with -Stream' {
        $records = @(Import-AuditLog -Path $script:jsonl -Stream -ErrorAction SilentlyContinue)
        $records.Id | Should -Be $script:results.Identity
    }

    It 'takes every filter' {
        @(Import-AuditLog -Path $script:csv -AADSessionId $script:AttackerAad).Operation | Should -Be @('MailItemsAccessed', 'FileDownloaded')
        @(Import-AuditLog -Path $script:csv -UserId admin@contoso.com).Operation | Should -Be @('Set-Mailbox')
        @(Import-AuditLog -Path $script:csv -IPAddress 2001:db8::1).Operation | Should -Be @('New-InboxRule')
        $start = [datetime]::SpecifyKind([datetime]'2026-03-02T09:40:00', 'Utc')
        @(Import-AuditLog -Path $script:csv -StartTime $start).Operation | Should -Be @('HardDelete', 'FileDownloaded')
        @(Import-AuditLog -Path $script:csv -EndTime $start -StartTime $start).Operation | Should -Be @('HardDelete')
    }

    It 'gives the full tree with -Full' {
        $r = Import-AuditLog -Path $script:csv -Operation New-InboxRule -Full
        $r.Full.Parameters[1].Value | Should -BeExactly 'True'
    }

    It 'reports a missing file and goes on with the others' {
        $records = @(Import-AuditLog -LiteralPath (Join-Path $TestDrive 'missing.csv'), $script:csv -Operation Send -ErrorVariable errs -ErrorAction SilentlyContinue)
        $records | Should -HaveCount 1
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Match 'AuditSift.FileNotFound'
    }

    It 'takes paths from the pipeline' {
        $records = @(Get-Item -LiteralPath $script:csv | Import-AuditLog -Operation Send)
        $records | Should -HaveCount 1
    }
}
