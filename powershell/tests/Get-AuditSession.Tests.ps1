#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:results = @(New-IncidentResults)
}

Describe 'Get-AuditSession' {
    BeforeAll {
        $script:sessions = @(@($script:results) + @($script:results) | Get-AuditSession -BatchSize 4)
    }

    It 'lists each session once, by first appearance, with the session-less group last' {
        $script:sessions | Should -HaveCount 3
        $script:sessions[0] | Should -BeOfType ([AuditSift.AuditSession])
        $script:sessions[0].SessionId | Should -Be $script:AttackerSession
        $script:sessions[1].SessionId | Should -BeExactly $script:UserSession
        $script:sessions[2].SessionId | Should -BeNullOrEmpty
    }

    It 'counts repeated records once and summarizes the session' {
        $attacker = $script:sessions[0]
        $attacker.Records | Should -Be 3
        $attacker.FirstSeen | Should -Be ([datetime]::SpecifyKind([datetime]'2026-03-02T09:10:00', 'Utc'))
        $attacker.LastSeen | Should -Be ([datetime]::SpecifyKind([datetime]'2026-03-02T09:40:00', 'Utc'))
        $attacker.Duration | Should -Be ([timespan]::FromMinutes(30))
        $attacker.Users | Should -Be @('megan.bowen@contoso.com')
        $attacker.ClientIPs | Should -Contain '185.73.124.135'
        $attacker.ClientIPs | Should -Contain '2001:db8::1'
        $attacker.AADSessionIds | Should -Be @($script:AttackerAad)
        $attacker.Operations['HardDelete'] | Should -Be 1
        $attacker.Operations.Count | Should -Be 3
    }

    It 'groups records without a SessionId' {
        $script:sessions[2].Records | Should -Be 2
        $script:sessions[2].Users | Should -Contain 'admin@contoso.com'
    }

    It 'restricts the records counted with filters' {
        $sessions = @($script:results | Get-AuditSession -UserId admin@contoso.com)
        $sessions | Should -HaveCount 1
        $sessions[0].Records | Should -Be 1
        $sessions = @($script:results | Get-AuditSession -Operation HardDelete)
        $sessions | Should -HaveCount 1
        $sessions[0].SessionId | Should -Be $script:AttackerSession
    }

    It 'includes Search-MailboxAuditLog -ShowDetails records' {
        $sessions = @(@(New-MailboxAuditLogRecord; New-MailboxAuditLogRecord -SessionId $script:UserSession) | Get-AuditSession)
        $sessions | Should -HaveCount 2
        $sessions.SessionId | Should -Contain $script:AttackerSession
        $sessions[0].MailboxOwners | Should -Be @('megan.bowen@contoso.com')
    }

    It 'reports unreadable records as errors' {
        $sessions = @(@('{oops', $script:results[0]) | Get-AuditSession -ErrorVariable errs -ErrorAction SilentlyContinue)
        $sessions | Should -HaveCount 1
        $errs | Should -HaveCount 1
        $errs[0].Exception.Error.Index | Should -Be 0
    }

    It 'gives nothing for no input' {
        @(@() | Get-AuditSession) | Should -HaveCount 0
    }

    It 'formats as a table without errors' {
        { $script:sessions | Format-Table | Out-String } | Should -Not -Throw
        ($script:sessions | Format-Table | Out-String) | Should -Match 'HardDelete 1'
        ($script:sessions | Format-List | Out-String) | Should -Match 'HardDelete \(1\)'
    }
}
