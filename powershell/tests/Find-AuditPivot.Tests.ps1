#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:results = @(New-IncidentResults)
}

Describe 'Find-AuditPivot' {
    It 'goes from an Entra ID session to its Exchange session' {
        $sessions = @($script:results | Find-AuditPivot -AADSessionId $script:AttackerAad.ToUpperInvariant())
        $sessions[0] | Should -BeOfType ([AuditSift.AuditSession])
        $sessions.SessionId | Should -Contain $script:AttackerSession
    }

    It 'gives the records of the Entra ID session in time order, other workloads included' {
        $records = @(@($script:results) + @($script:results) | Find-AuditPivot -AADSessionId $script:AttackerAad -Show Records)
        $records.Operation | Should -Be @('MailItemsAccessed', 'FileDownloaded')
        $records[0] | Should -BeOfType ([AuditSift.AuditRecord])
        $records[1].AuditData | Should -Match 'FileDownloaded'
    }

    It 'lists the accesses of a message per context' {
        $accesses = @($script:results | Find-AuditPivot -InternetMessageId 'A1@contoso.com')
        $accesses | Should -HaveCount 1
        $accesses[0] | Should -BeOfType ([AuditSift.MessageAccess])
        $accesses[0].InternetMessageId | Should -Be '<a1@contoso.com>'
        $accesses[0].SessionId | Should -Be $script:AttackerSession
        $accesses[0].ClientIPAddress | Should -Be '185.73.124.135'
        $accesses[0].Operations['MailItemsAccessed'] | Should -Be 1
    }

    It 'finds the records of an address, ignoring ports, and ORs the kinds' {
        $records = @($script:results | Find-AuditPivot -IPAddress '185.73.124.135:443' -Show Records)
        $records.Operation | Should -Be @('MailItemsAccessed', 'HardDelete', 'FileDownloaded')
        $records = @($script:results | Find-AuditPivot -IPAddress '10.0.0.5' -InternetMessageId '<a1@contoso.com>' -Show Records)
        $records.Operation | Should -Be @('Set-Mailbox', 'Send', 'MailItemsAccessed')
    }

    It 'needs something to pivot from' {
        { $script:results | Find-AuditPivot -ErrorAction Stop } | Should -Throw '*-AADSessionId, -InternetMessageId or -IPAddress*'
    }

    It 'reports unreadable records and goes on' {
        $records = @(@('not json') + @($script:results) | Find-AuditPivot -IPAddress 185.73.124.135 -Show Records -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -HaveCount 1
        $errs[0].TargetObject | Should -BeExactly 'not json'
        $records | Should -HaveCount 3
        $records[0].Index | Should -Be 1
    }

    It 'formats message accesses' {
        $table = $script:results | Find-AuditPivot -InternetMessageId '<a2@contoso.com>' | Format-Table | Out-String -Width 300
        $table | Should -Match 'InternetMessageId'
        $table | Should -Match 'MailItemsAccessed 1'
    }
}
