#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:S1 = '11111111-1111-4111-8111-111111111111'
    $script:S2 = '22222222-2222-4222-8222-222222222222'
    $script:Owner = 'megan.bowen@contoso.com'

    function New-MailItemsAccessedJson {
        # One MailItemsAccessed AuditData record of Megan's mailbox.
        param(
            [Parameter(Mandatory)][int] $Number,
            [Parameter(Mandatory)][string] $Time,
            [string] $SessionId,
            [string] $ClientIP = '192.0.2.10',
            [string] $Kind = 'Bind',
            [switch] $Throttled,
            [string] $Folder = '\Inbox',
            [string[]] $MessageId = @(),
            [int] $Count = 0
        )
        $items = @($MessageId | ForEach-Object { @{ InternetMessageId = $_ } })
        $throttledText = if ($Throttled) { 'True' } else { 'False' }
        New-AuditDataJson -Id ('{0:x8}-0000-4000-8000-{0:x12}' -f $Number) -CreationTime $Time -Operation 'MailItemsAccessed' `
            -SessionId $SessionId -ClientIP $ClientIP -Extra @{
            OperationProperties = @(@{ Name = 'MailAccessType'; Value = $Kind }, @{ Name = 'IsThrottled'; Value = $throttledText })
            OperationCount      = [Math]::Max($Count, $MessageId.Count)
            Folders             = @(@{ Path = $Folder; FolderItems = $items })
        }
    }

    # Microsoft's example: contexts that differ by SessionId and by address, messages A to F.
    $script:example = @(
        New-MailItemsAccessedJson -Number 1 -Time '2026-03-02T10:00:00' -SessionId $script:S1 -MessageId '<A@contoso.com>', '<B@contoso.com>', '<C@contoso.com>'
        New-MailItemsAccessedJson -Number 2 -Time '2026-03-02T10:01:00' -SessionId $script:S2 -MessageId '<D@contoso.com>', '<E@contoso.com>'
        New-MailItemsAccessedJson -Number 3 -Time '2026-03-02T10:02:00' -SessionId $script:S1 -ClientIP '198.51.100.7' -MessageId '<A@contoso.com>', '<F@contoso.com>'
    )
    # A throttled Sync of S2 opens a hole; S1 is active in it.
    $script:throttled = @(
        New-MailItemsAccessedJson -Number 11 -Time '2026-03-02T12:00:00' -SessionId $script:S2 -Kind Sync -Throttled
        New-MailItemsAccessedJson -Number 12 -Time '2026-03-02T11:00:00' -SessionId $script:S1 -MessageId '<P@contoso.com>'
        New-AuditDataJson -Id '0000000d-0000-4000-8000-00000000000d' -CreationTime '2026-03-03T09:00:00' -Operation 'HardDelete' -SessionId $script:S1
    )
}

Describe 'Get-MailboxExposure' {
    It 'tells the documented example: three contexts, messages A to F, A read in two contexts' {
        $exposure = @($script:example | Get-MailboxExposure)
        $exposure | Should -HaveCount 1
        $exposure[0] | Should -BeOfType ([AuditSift.MailboxExposure])
        $exposure[0].Mailbox | Should -Be $script:Owner
        $exposure[0].Contexts | Should -HaveCount 3
        $exposure[0].Contexts.SessionId | Should -Be @($script:S1, $script:S2, $script:S1)
        $exposure[0].Contexts.ClientIPAddress | Should -Be @('192.0.2.10', '192.0.2.10', '198.51.100.7')
        $exposure[0].Messages.InternetMessageId | Should -Be @('<A@contoso.com>', '<B@contoso.com>', '<C@contoso.com>', '<D@contoso.com>', '<E@contoso.com>', '<F@contoso.com>')
        $a = $exposure[0].Messages[0]
        $a.Accesses | Should -Be 2
        $a.Contexts | Should -HaveCount 2
        $a.Sessions | Should -Be @($script:S1)
        $exposure[0].Contexts[2].Messages.InternetMessageId | Should -Be @('<A@contoso.com>', '<F@contoso.com>')
        $exposure[0].Totals.Messages | Should -Be 6
        $exposure[0].Totals.Binds | Should -Be 7
        $exposure[0].IsThrottled | Should -BeFalse
    }

    It 'narrows to the scope' {
        $exposure = $script:example | Get-MailboxExposure -SessionId $script:S2.ToUpperInvariant()
        $exposure.Contexts | Should -HaveCount 1
        $exposure.Totals.Messages | Should -Be 2
    }

    It 'warns about each throttle window and flags the sessions active in it' {
        $exposure = $script:throttled | Get-MailboxExposure -SessionId $script:S1 -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Match 'Bind auditing stopped from 2026-03-02 12:00:00Z to 2026-03-03 12:00:00Z'
        $warnings[0].Message | Should -Match 'all mail in the mailbox must be assumed read'
        $exposure.ThrottledWindows | Should -HaveCount 1
        $exposure.ThrottledWindows[0].Sessions | Should -Be @($script:S1)
        $exposure.ThrottledWindows[0].RecordIds | Should -Be @('0000000b-0000-4000-8000-00000000000b')
        $exposure.Contexts[0].DuringThrottling | Should -BeTrue
        $exposure.Totals.Syncs | Should -Be 0
    }

    It 'counts repeated Search-UnifiedAuditLog pages once' {
        $results = @($script:example | ForEach-Object { New-UnifiedAuditLogResult -AuditData $_ })
        $exposure = @($results) + @($results) | Get-MailboxExposure
        $exposure.Totals.Records | Should -Be 3
        $exposure.Messages[0].Accesses | Should -Be 2
    }

    It 'gives the same at every batch size' {
        $all = @($script:example) + @($script:throttled)
        $one = $all | Get-MailboxExposure -BatchSize 1 -WarningAction SilentlyContinue
        $many = $all | Get-MailboxExposure -WarningAction SilentlyContinue
        $one.ToString() | Should -Be $many.ToString()
        $one.Messages.InternetMessageId | Should -Be $many.Messages.InternetMessageId
        $one.ThrottledWindows[0].ToString() | Should -Be $many.ThrottledWindows[0].ToString()
    }

    It 'accepts Search-MailboxAuditLog -ShowDetails records' {
        $records = @(
            New-MailboxAuditLogRecord -LastAccessed ([datetime]::SpecifyKind([datetime]'2026-03-02T08:00:00', 'Utc'))
            New-MailboxAuditLogRecord -LastAccessed ([datetime]::SpecifyKind([datetime]'2026-03-02T07:55:12', 'Utc')) `
                -OperationProperties @('MailAccessType:Bind', 'IsThrottled:False') -AuditOperationsCountInAggregatedRecord 4 `
                -AggregatedRecordFoldersData '\Inbox: "<H8@contoso.com>","<I9@contoso.com>"'
        )
        $exposure = $records | Get-MailboxExposure -WarningAction SilentlyContinue
        $exposure.Mailbox | Should -Be $script:Owner
        $exposure.Totals.Messages | Should -Be 2
        $exposure.UnitemizedBinds[0].Unitemized | Should -Be 2
        $exposure.SyncFolders[0].Folder | Should -Be '\Inbox'
        $exposure.ThrottledWindows | Should -HaveCount 1
    }

    It 'reads files with -Path' {
        $file = Join-Path $TestDrive 'mail.jsonl'
        [System.IO.File]::WriteAllLines($file, [string[]](@($script:example) + @($script:throttled)))
        $fromFile = Get-MailboxExposure -Path $file -WarningVariable fileWarnings -WarningAction SilentlyContinue
        $fromPipeline = @($script:example) + @($script:throttled) | Get-MailboxExposure -WarningAction SilentlyContinue
        $fromFile.ToString() | Should -Be $fromPipeline.ToString()
        $fileWarnings | Should -HaveCount 1
        { Get-MailboxExposure -LiteralPath (Join-Path $TestDrive 'missing.jsonl') -ErrorAction Stop } | Should -Throw
    }

    It 'reports unreadable records and counts the others' {
        $exposure = @('{oops') + @($script:example) | Get-MailboxExposure -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].Exception.Error.Index | Should -Be 0
        $exposure.Totals.Records | Should -Be 3
    }

    It 'gives nothing for no input' {
        @(@() | Get-MailboxExposure) | Should -HaveCount 0
    }

    It 'formats mailboxes, contexts, messages and windows' {
        $exposure = @($script:example) + @($script:throttled) | Get-MailboxExposure -WarningAction SilentlyContinue
        ($exposure | Format-Table | Out-String -Width 300) | Should -Match 'megan\.bowen@contoso\.com'
        ($exposure | Format-Table | Out-String -Width 300) | Should -Match 'YES: 2026-03-02 12:00:00Z'
        ($exposure | Format-List | Out-String -Width 300) | Should -Match 'Bind auditing stopped'
        ($exposure.Contexts | Format-Table | Out-String -Width 300) | Should -Match '198\.51\.100\.7'
        ($exposure.Messages | Format-Table | Out-String -Width 300) | Should -Match '<F@contoso\.com>'
        ($exposure.ThrottledWindows | Format-Table | Out-String -Width 300) | Should -Match '2026-03-03 12:00:00Z'
    }
}
