#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }

BeforeAll {
    . (Join-Path $PSScriptRoot 'Fixtures.ps1')
    Import-AuditSiftForTest
    $script:Sample = Join-Path $script:RepoRoot 'examples/incident.csv'
    $script:Hostile = '</script><img src=x onerror=alert(1)>'

    function Get-ReportData {
        # The data a report embeds, parsed; fails when the file has no data element.
        param([Parameter(Mandatory)][string] $Path)
        $html = [System.IO.File]::ReadAllText($Path)
        $open = '<script id="auditsift-data" type="application/json">'
        $start = $html.IndexOf($open, [System.StringComparison]::Ordinal)
        if ($start -lt 0) { throw "no data element in $Path" }
        $start += $open.Length
        $end = $html.IndexOf('</script>', $start, [System.StringComparison]::Ordinal)
        return ($html.Substring($start, $end - $start) | ConvertFrom-Json)
    }

    function New-ReportPath {
        # A path for a report in a folder of its own under TestDrive.
        param([string] $Name = 'report.html')
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        return (Join-Path $folder $Name)
    }
}

Describe 'Export-AuditReport' {
    It 'writes one HTML file with the records in scope, their sessions, the title and the filters' {
        $path = New-ReportPath
        $result = New-IncidentResults | Export-AuditReport -Path $path -SessionId $script:AttackerSession -Title 'INC-4711'
        $result | Should -BeNullOrEmpty
        $path | Should -Exist
        $data = Get-ReportData -Path $path
        $data.title | Should -Be 'INC-4711'
        @($data.filters) | Should -Be @("-SessionId $($script:AttackerSession)")
        @($data.events) | Should -HaveCount 3
        @($data.events.o) | Should -Be @('New-InboxRule', 'MailItemsAccessed', 'HardDelete')
        @($data.sessions) | Should -HaveCount 1
        $data.input.files[0].path | Should -Be 'pipeline'
        $data.input.files[0].records | Should -Be 6
        $data.input.read | Should -Be 6
        $data.input.matched | Should -Be 3
        $data.exposure.Mailboxes[0].Mailbox | Should -Be 'megan.bowen@contoso.com'
        # Self-contained: nothing is fetched from anywhere.
        [System.IO.File]::ReadAllText($path) | Should -Not -Match '<script[^>]+src='
    }

    It 'shows the filters as PowerShell parameters, times in UTC' {
        $path = New-ReportPath
        New-IncidentResults |
            Export-AuditReport -Path $path -SessionId $script:AttackerSession -UserId 'megan.bowen@contoso.com' -Operation HardDelete, Send `
                -StartTime '2026-03-02T09:00:00Z'
        $data = Get-ReportData -Path $path
        @($data.filters) | Should -Be @(
            "-SessionId $($script:AttackerSession)",
            '-UserId megan.bowen@contoso.com',
            '-Operation HardDelete, Send',
            '-StartTime 2026-03-02T09:00:00Z')
        @($data.events.o) | Should -Be @('HardDelete')
    }

    It 'resolves -Path against the PowerShell location, not the process directory' {
        $folder = Split-Path (New-ReportPath)
        Push-Location -LiteralPath $folder
        try {
            New-IncidentResults | Export-AuditReport -Path 'relative.html'
        }
        finally {
            Pop-Location
        }
        Join-Path $folder 'relative.html' | Should -Exist
        if ([System.Environment]::CurrentDirectory -ne $folder) {
            Join-Path ([System.Environment]::CurrentDirectory) 'relative.html' | Should -Not -Exist
        }
    }

    It 'keeps a hostile subject as escaped data, never as markup' {
        $path = New-ReportPath
        $doc = New-AuditDataJson -Id 'b0000001-0000-4000-8000-000000000001' -CreationTime '2026-03-02T07:35:02' -Operation 'HardDelete' `
            -SessionId $script:AttackerSession -Extra @{ AffectedItems = @(@{ Subject = $script:Hostile }) }
        $doc | Export-AuditReport -Path $path -Title $script:Hostile
        $html = [System.IO.File]::ReadAllText($path)
        $html.Contains('<img src=x') | Should -BeFalse
        $data = Get-ReportData -Path $path
        $data.title | Should -Be $script:Hostile
        $data.events[0].d | Should -BeLike "*$($script:Hostile)*"
    }

    It 'names the records that cannot be read, in its errors and in the report' {
        $path = New-ReportPath
        $good = New-AuditDataJson -Id 'c0000001-0000-4000-8000-000000000001' -CreationTime '2026-03-02T08:00:00' -Operation 'Send'
        $notARecord = @{ Name = 'explorer' }
        @($good, '{"CreationTime": "2026-03-02T09:00:00", "Operation": ', $notARecord) |
            Export-AuditReport -Path $path -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad | Should -HaveCount 2
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'AuditSift.UnreadableRecord*'
        $bad[0].Exception.Error.Index | Should -Be 1
        $bad[0].Exception.Message | Should -BeLike 'Record 1 could not be read: *'
        $bad[1].Exception.Error.Index | Should -Be 2
        $bad[1].Exception.Error.Reason | Should -BeLike '*not a Search-MailboxAuditLog record*'
        $data = Get-ReportData -Path $path
        @($data.events) | Should -HaveCount 1
        $data.input.rejected | Should -Be 2
        @($data.input.rejects.source) | Should -Be @('record 1', 'record 2')
        $data.input.rejects[0].raw | Should -Be '{"CreationTime": "2026-03-02T09:00:00", "Operation": '
    }

    It 'reads files natively with -InputPath and -LiteralInputPath' {
        $path = New-ReportPath
        Export-AuditReport -Path $path -LiteralInputPath $script:Sample -SessionId $script:AttackerSession -NoRawAuditData
        $data = Get-ReportData -Path $path
        $data.input.files[0].path | Should -Be $script:Sample
        $data.input.files[0].records | Should -Be 3000
        @($data.events) | Should -HaveCount 49
        $data.events[0].PSObject.Properties['raw'] | Should -BeNullOrEmpty
        @($data.exposure.Mailboxes[0].ThrottledWindows) | Should -HaveCount 1

        $folder = Split-Path (New-ReportPath)
        $lines = Join-Path $folder 'export.jsonl'
        $docs = @((New-IncidentResults).AuditData) + 'not json'
        [System.IO.File]::WriteAllLines($lines, [string[]] $docs)
        $fromWildcard = Join-Path $folder 'wildcard.html'
        Export-AuditReport -Path $fromWildcard -InputPath (Join-Path $folder '*.jsonl') -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad | Should -HaveCount 1
        $bad[0].Exception.Message | Should -BeLike "*$lines*line 7*"
        $data = Get-ReportData -Path $fromWildcard
        $data.input.files[0].path | Should -Be $lines
        @($data.events) | Should -HaveCount 6
        $data.input.rejects[0].source | Should -BeLike "$lines*line 7*"
    }

    It 'reports an input file that does not exist and still writes the others' {
        $path = New-ReportPath
        $missing = Join-Path $TestDrive 'no-such-export.csv'
        Export-AuditReport -Path $path -LiteralInputPath $missing, $script:Sample -SessionId $script:AttackerSession -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad | Should -HaveCount 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'AuditSift.FileNotFound*'
        @((Get-ReportData -Path $path).input.files) | Should -HaveCount 1
    }

    It 'replaces an existing file; -NoClobber refuses before reading; -Force replaces a read-only one' {
        $path = New-ReportPath
        Set-Content -LiteralPath $path -Value 'old'
        New-IncidentResults | Export-AuditReport -Path $path
        (Get-ReportData -Path $path).input.read | Should -Be 6

        Set-Content -LiteralPath $path -Value 'old'
        { New-IncidentResults | Export-AuditReport -Path $path -NoClobber -ErrorAction Stop } | Should -Throw -ErrorId 'AuditSift.FileExists'
        Get-Content -LiteralPath $path | Should -Be 'old'

        (Get-Item -LiteralPath $path).IsReadOnly = $true
        { New-IncidentResults | Export-AuditReport -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'AuditSift.FileReadOnly'
        Get-Content -LiteralPath $path | Should -Be 'old'
        New-IncidentResults | Export-AuditReport -Path $path -Force
        (Get-ReportData -Path $path).input.read | Should -Be 6
        { New-IncidentResults | Export-AuditReport -Path $path -Force -NoClobber -ErrorAction Stop } | Should -Throw -ErrorId 'AuditSift.FileExists'
    }

    It 'fails before reading when the folder does not exist or the path is a folder' {
        $folder = Split-Path (New-ReportPath)
        { 'x' | Export-AuditReport -Path (Join-Path $folder 'nope/report.html') -ErrorAction Stop } | Should -Throw -ErrorId 'AuditSift.FolderNotFound'
        { 'x' | Export-AuditReport -Path $folder -ErrorAction Stop } | Should -Throw -ErrorId 'AuditSift.NotAFile'
    }

    It '-PassThru writes the FileInfo; -WhatIf writes nothing' {
        $path = New-ReportPath
        $item = New-IncidentResults | Export-AuditReport -Path $path -PassThru
        $item | Should -BeOfType ([System.IO.FileInfo])
        $item.FullName | Should -Be $path
        $item.Length | Should -BeGreaterThan 0

        $other = New-ReportPath
        New-IncidentResults | Export-AuditReport -Path $other -WhatIf
        $other | Should -Not -Exist
    }

    It 'reads Search-MailboxAuditLog -ShowDetails records' {
        $path = New-ReportPath
        New-MailboxAuditLogRecord | Export-AuditReport -Path $path -UserId 'megan.bowen@contoso.com'
        $data = Get-ReportData -Path $path
        @($data.events) | Should -HaveCount 1
        $data.events[0].o | Should -Be 'MailItemsAccessed'
        @($data.exposure.Mailboxes[0].ThrottledWindows) | Should -HaveCount 1
    }
}
