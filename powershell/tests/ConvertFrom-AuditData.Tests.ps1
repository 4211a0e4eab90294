#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:results = @(New-IncidentResults)
}

Describe 'ConvertFrom-AuditData' {
    Context 'Search-UnifiedAuditLog results' {
        BeforeAll {
            $script:records = @($script:results | ConvertFrom-AuditData)
        }

        It 'emits one typed record per result, in input order' {
            $script:records | Should -HaveCount 6
            $script:records[0] | Should -BeOfType ([AuditSift.AuditRecord])
            $script:records.Id | Should -Be $script:results.Identity
            $script:records.Index | Should -Be @(0, 1, 2, 3, 4, 5)
        }

        It 'gives CreationTime as a UTC DateTime' {
            $script:records[0].CreationTime | Should -BeOfType ([datetime])
            $script:records[0].CreationTime.Kind | Should -Be ([System.DateTimeKind]::Utc)
            $script:records[0].CreationTime | Should -Be ([datetime]::SpecifyKind([datetime]'2026-03-02T09:30:00', 'Utc'))
        }

        It 'normalizes fields' {
            $r = $script:records[0]
            $r.Operation | Should -BeExactly 'MailItemsAccessed'
            $r.ClientIP | Should -BeExactly '185.73.124.135:19823'
            $r.ClientAddress | Should -BeExactly '185.73.124.135'
            $r.SessionId | Should -BeExactly $script:AttackerSession.ToUpperInvariant()
            $r.AADSessionId | Should -BeExactly $script:AttackerAad
            $r.MailAccessType | Should -BeExactly 'Bind'
            $r.IsThrottled | Should -BeFalse
            $r.OperationCount | Should -Be 2
            $r.Folders[0].Path | Should -BeExactly '\Inbox'
            $r.Folders[0].MessageIds | Should -Be @('<a1@contoso.com>', '<a2@contoso.com>')
            $r.UserType | Should -BeExactly 'Regular'
            $r.RecordTypeName | Should -BeExactly 'ExchangeItem'
            $script:records[1].Parameters[0].Name | Should -BeExactly 'Name'
            $script:records[1].ClientAddress | Should -BeExactly '2001:db8::1'
        }

        It 'keeps the original object and the AuditData text' {
            $script:records[2].InputObject | Should -Be $script:results[2]
            $script:records[2].AuditData | Should -BeExactly $script:results[2].AuditData
        }

        It 'leaves Full empty without -Full' {
            $script:records[0].Full | Should -BeNullOrEmpty
        }
    }

    Context 'other inputs' {
        It 'accepts AuditData strings' {
            $records = @($script:results.AuditData | ConvertFrom-AuditData)
            $records | Should -HaveCount 6
            $records[3].Operation | Should -BeExactly 'HardDelete'
        }

        It 'accepts Import-Csv rows of a Purview export' {
            $csv = Join-Path $TestDrive 'purview.csv'
            $script:results | ForEach-Object {
                [pscustomobject]@{
                    RecordId                  = $_.Identity
                    CreationDate              = '2026-03-02T09:00:00.0000000Z '
                    RecordType                = 'ExchangeItem'
                    Operation                 = $_.Operations
                    UserId                    = $_.UserIds
                    AuditData                 = $_.AuditData
                    AssociatedAdminUnits      = ''
                    AssociatedAdminUnitsNames = ''
                }
            } | Export-Csv -LiteralPath $csv -NoTypeInformation -Encoding UTF8
            $records = @(Import-Csv -LiteralPath $csv | ConvertFrom-AuditData)
            $records | Should -HaveCount 6
            $records[0].InputObject.RecordId | Should -Be $script:results[0].Identity
        }

        It 'accepts the -InputObject parameter with an array' {
            $records = @(ConvertFrom-AuditData -InputObject $script:results)
            $records | Should -HaveCount 6
        }

        It 'maps Search-MailboxAuditLog -ShowDetails records' {
            $mailbox = @(
                New-MailboxAuditLogRecord
                New-MailboxAuditLogRecord -OperationProperties 'MailAccessType:Bind', 'IsThrottled:False' -AuditOperationsCountInAggregatedRecord 2 `
                    -LastAccessed ([datetime]::SpecifyKind([datetime]'2026-03-02T10:20:00', 'Utc')) `
                    -AggregatedRecordFoldersData '\Inbox: "<m1@contoso.com>","<m2@contoso.com>"'
                New-MailboxAuditLogRecord -Operation 'HardDelete' -OperationProperties @() -AuditOperationsCountInAggregatedRecord $null `
                    -SourceItemInternetMessageIdsList '<d1@contoso.com>', '<d2@contoso.com>' -SourceItemSubjectsList 'Invoice', 'Wire details'
            )
            $records = @($mailbox | ConvertFrom-AuditData)
            $records | Should -HaveCount 3
            $records[0].CreationTime | Should -Be ([datetime]::SpecifyKind([datetime]'2026-03-02T10:15:30', 'Utc'))
            $records[0].MailAccessType | Should -BeExactly 'Sync'
            $records[0].IsThrottled | Should -BeTrue
            $records[0].OperationCount | Should -Be 1
            $records[0].ResultStatus | Should -BeExactly 'Succeeded'
            $records[0].SessionId | Should -BeExactly $script:AttackerSession
            $records[0].InputObject | Should -Be $mailbox[0]
            $records[1].Folders[0].MessageIds | Should -Be @('<m1@contoso.com>', '<m2@contoso.com>')
            $affected = @($records[2].Items | Where-Object Role -EQ 'AffectedItems')
            $affected.InternetMessageId | Should -Be @('<d1@contoso.com>', '<d2@contoso.com>')
            $affected.Subject | Should -Be @('Invoice', 'Wire details')
        }

        It 'streams across batch boundaries' {
            $many = foreach ($i in 1..25) {
                New-AuditDataJson -Id ('b{0:d7}-0000-4000-8000-000000000000' -f $i) -CreationTime '2026-03-02T09:00:00' -Operation 'Send'
            }
            $records = @($many | ConvertFrom-AuditData -BatchSize 4)
            $records | Should -HaveCount 25
            $records.Index | Should -Be (0..24)
        }
    }

    Context '-Full' {
        It 'gives every AuditData field as ordered dictionaries' {
            $r = $script:results[0] | ConvertFrom-AuditData -Full
            $r.Full | Should -BeOfType ([System.Collections.Specialized.OrderedDictionary])
            $r.Full.AppAccessContext.UniqueTokenId | Should -BeExactly 'tok-1'
            $r.Full.Folders[0].FolderItems[1].InternetMessageId | Should -BeExactly '<a2@contoso.com>'
            $r.Full.Version | Should -Be 1
            @($r.Full.Keys)[0] | Should -BeExactly 'CreationTime'
        }
    }

    Context 'errors' {
        BeforeAll {
            $script:bad = [pscustomobject]@{
                RecordType = 'ExchangeItem'; CreationDate = [datetime]'2026-03-02'; UserIds = 'x'; Operations = 'Send'
                AuditData = '{"CreationTime": "2026-03-02T09:00:00", "Operation": '; ResultIndex = 2; ResultCount = 5000
                Identity = 'ffffffff-0000-4000-8000-000000000000'; IsValid = $true; ObjectState = 'Unchanged'
            }
            $script:mixed = @($script:results[0], $script:bad, $script:results[1])
        }

        It 'writes a non-terminating error naming the record and goes on' {
            $records = @($script:mixed | ConvertFrom-AuditData -ErrorVariable errs -ErrorAction SilentlyContinue)
            $records | Should -HaveCount 2
            $errs | Should -HaveCount 1
            $errs[0].TargetObject | Should -Be $script:bad
            $errs[0].FullyQualifiedErrorId | Should -Match '^AuditSift.UnreadableRecord'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $errs[0].Exception.Message | Should -Match 'Record 1 \(Identity ffffffff-0000-4000-8000-000000000000\) could not be read'
            $errs[0].Exception.Error.RawText | Should -BeExactly $script:bad.AuditData
        }

        It 'stops with -ErrorAction Stop' {
            { $script:mixed | ConvertFrom-AuditData -ErrorAction Stop } | Should -Throw -ExpectedMessage '*could not be read*'
        }

        It 'reports input that is not an audit record' {
            $records = @(Get-Date | ConvertFrom-AuditData -ErrorVariable errs -ErrorAction SilentlyContinue)
            $records | Should -HaveCount 0
            $errs | Should -HaveCount 1
            $errs[0].Exception.Message | Should -Match 'not a Search-MailboxAuditLog record'
        }

        It 'accepts no input' {
            @(@() | ConvertFrom-AuditData) | Should -HaveCount 0
        }
    }
}
