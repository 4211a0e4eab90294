#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:results = @(New-IncidentResults)
    # Search-UnifiedAuditLog pages repeat records: the same results twice.
    $script:pages = @($script:results) + @($script:results)
}

Describe 'Select-AuditSession' {
    It 'gives one session''s records, de-duplicated and in time order' {
        $records = @($script:pages | Select-AuditSession -SessionId $script:AttackerSession)
        $records | Should -HaveCount 3
        $records.Operation | Should -Be @('New-InboxRule', 'MailItemsAccessed', 'HardDelete')
        $records[0] | Should -BeOfType ([AuditSift.AuditRecord])
        $records[0].InputObject | Should -Be $script:results[1]
    }

    It 'takes the session id positionally and without regard to case' {
        $records = @($script:results | Select-AuditSession $script:AttackerSession.ToUpperInvariant())
        $records | Should -HaveCount 3
    }

    It 'ORs -SessionId with -AADSessionId' {
        $records = @($script:results | Select-AuditSession -AADSessionId $script:AttackerAad)
        $records.Operation | Should -Be @('MailItemsAccessed', 'FileDownloaded')
        $records = @($script:results | Select-AuditSession -SessionId $script:UserSession -AADSessionId $script:AttackerAad)
        $records.Operation | Should -Be @('Send', 'MailItemsAccessed', 'FileDownloaded')
    }

    It 'filters by user' {
        $records = @($script:results | Select-AuditSession -UserId 'ADMIN@contoso.com')
        $records.Operation | Should -Be @('Set-Mailbox')
    }

    It 'filters by operation' {
        $records = @($script:results | Select-AuditSession -Operation HardDelete, new-inboxrule)
        $records.Operation | Should -Be @('New-InboxRule', 'HardDelete')
    }

    It 'filters by address, ignoring ports' {
        $records = @($script:results | Select-AuditSession -IPAddress '185.73.124.135')
        $records.Operation | Should -Be @('MailItemsAccessed', 'HardDelete', 'FileDownloaded')
        $records = @($script:results | Select-AuditSession -IPAddress '[2001:db8::1]:8443')
        $records.Operation | Should -Be @('New-InboxRule')
    }

    It 'filters by time, inclusively, in UTC' {
        $start = [datetime]::SpecifyKind([datetime]'2026-03-02T09:10:00', 'Utc')
        $end = [datetime]::SpecifyKind([datetime]'2026-03-02T09:30:00', 'Utc')
        $records = @($script:results | Select-AuditSession -StartTime $start -EndTime $end)
        $records.Operation | Should -Be @('New-InboxRule', 'Send', 'MailItemsAccessed')
        $records = @($script:results | Select-AuditSession -StartTime $start.ToLocalTime() -EndTime $end.ToLocalTime())
        $records | Should -HaveCount 3
    }

    It 'combines filters of different kinds with AND' {
        $records = @($script:results | Select-AuditSession -SessionId $script:AttackerSession -Operation HardDelete, Send)
        $records.Operation | Should -Be @('HardDelete')
    }

    It 'writes the original objects with -PassThru' {
        $objects = @($script:pages | Select-AuditSession -SessionId $script:AttackerSession -PassThru)
        $objects | Should -HaveCount 3
        $objects[0] | Should -Be $script:results[1]
        $objects[0].PSObject.TypeNames[0] | Should -Match 'UnifiedAuditLogEvent'
    }

    It 'works across batch boundaries' {
        $records = @($script:pages | Select-AuditSession -SessionId $script:AttackerSession -BatchSize 2)
        $records.Operation | Should -Be @('New-InboxRule', 'MailItemsAccessed', 'HardDelete')
    }

    It 'accepts Search-MailboxAuditLog -ShowDetails records' {
        $mailbox = @(
            New-MailboxAuditLogRecord -LastAccessed ([datetime]::SpecifyKind([datetime]'2026-03-02T11:00:00', 'Utc'))
            New-MailboxAuditLogRecord -LastAccessed ([datetime]::SpecifyKind([datetime]'2026-03-02T10:00:00', 'Utc')) -Operation 'HardDelete' -OperationProperties @()
            New-MailboxAuditLogRecord -SessionId $script:UserSession
        )
        $records = @($mailbox | Select-AuditSession -SessionId $script:AttackerSession)
        $records.Operation | Should -Be @('HardDelete', 'MailItemsAccessed')
        $records[1].IsThrottled | Should -BeTrue
    }

    It 'reports unreadable records and keeps the others' {
        $records = @(@('not json', $script:results[3].AuditData) | Select-AuditSession -ErrorVariable errs -ErrorAction SilentlyContinue)
        $records | Should -HaveCount 1
        $errs | Should -HaveCount 1
        $errs[0].TargetObject | Should -BeExactly 'not json'
    }

    It 'gives nothing for no input' {
        @(@() | Select-AuditSession -SessionId $script:AttackerSession) | Should -HaveCount 0
    }
}
