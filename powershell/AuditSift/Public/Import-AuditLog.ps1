function Import-AuditLog {
    <#
    .SYNOPSIS
    Reads audit log files (Purview CSV, JSON, JSON lines, gzip) into typed audit records.

    .DESCRIPTION
    Reads Purview audit exports (CSV with an AuditData column, as the portal or
    Search-UnifiedAuditLog | Export-Csv write them, with or without a byte order mark), JSON arrays
    and JSON lines of AuditData, and gzip-compressed copies of these, with the native readers: no
    Import-Csv, no ConvertFrom-Json. Shows progress while it reads.

    Emits the records that match every filter given as AuditSift.AuditRecord objects, de-duplicated
    across all files and sorted by CreationTime; only the matches are held until the end. With
    -Stream, records are written as they are read, in file order, without sorting or removing
    duplicates, so that files of any size can be read in constant memory.

    A record that cannot be read is reported as a non-terminating error naming the file, the row or
    line, and the reason; the other records go on.

    .PARAMETER Path
    Files to read; wildcards are allowed.

    .PARAMETER LiteralPath
    Files to read, taken exactly as written.

    .PARAMETER SessionId
    Exchange SessionIds (or AADSessionIds given with -AADSessionId).

    .PARAMETER AADSessionId
    Entra ID session ids.

    .PARAMETER UserId
    Users: matched against UserId and MailboxOwnerUPN.

    .PARAMETER Operation
    Operation names.

    .PARAMETER IPAddress
    Client addresses, with or without a port.

    .PARAMETER StartTime
    Earliest CreationTime kept (inclusive).

    .PARAMETER EndTime
    Latest CreationTime kept (inclusive).

    .PARAMETER Full
    Also fills the Full property of each record with every AuditData field as ordered dictionaries.

    .PARAMETER Stream
    Writes records in file order as they are read, without sorting or removing duplicates.

    .PARAMETER BatchSize
    How many records the native reader parses in one call (default 5000).

    .EXAMPLE
    Import-AuditLog -Path .\AuditLog_2026-03-05.csv -SessionId 'b7c6f5e4-d3c2-4b1a-9f8e-7d6c5b4a3f2e' | Format-Table

    One session's records from a Purview export of several gigabytes, in time order.

    .EXAMPLE
    Import-AuditLog -Path .\exports\*.csv, .\mgmt-api\*.jsonl.gz -UserId megan.bowen@contoso.com -Operation MailItemsAccessed |
        Where-Object MailAccessType -eq 'Sync'

    The folders synchronised from one mailbox, across several exports, duplicates removed.

    .EXAMPLE
    Import-AuditLog -Path .\AuditLog.csv -Stream | Get-AuditSession

    The session inventory of a whole export, read in constant memory.

    .INPUTS
    System.String

    .OUTPUTS
    AuditSift.AuditRecord

    .LINK
    Select-AuditSession

    .LINK
    about_AuditSift
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType('AuditSift.AuditRecord')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [SupportsWildcards()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath', ValueFromPipelineByPropertyName)]
        [Alias('PSPath', 'LP')]
        [string[]] $LiteralPath,

        [string[]] $SessionId,

        [string[]] $AADSessionId,

        [Alias('UserIds', 'User')]
        [string[]] $UserId,

        [Alias('Operations')]
        [string[]] $Operation,

        [Alias('ClientIP', 'IP')]
        [string[]] $IPAddress,

        [Alias('StartDate')]
        [datetime] $StartTime,

        [Alias('EndDate')]
        [datetime] $EndTime,

        [switch] $Full,

        [switch] $Stream,

        [ValidateRange(1, 1000000)]
        [int] $BatchSize = 5000
    )
    begin {
        $options = [AuditSift.PipelineOptions]::new()
        $options.Mode = if ($Stream) { [AuditSift.PipelineMode]::Convert } else { [AuditSift.PipelineMode]::Select }
        $options.Filter = New-AuditSiftFilter -BoundParameters $PSBoundParameters
        $options.Full = $Full.IsPresent
        $options.BatchSize = $BatchSize
        $import = [AuditSift.AuditLogImport]::new($options)
    }
    process {
        $files = if ($PSCmdlet.ParameterSetName -eq 'Path') {
            Resolve-AuditSiftInputFile -Path $Path -Cmdlet $PSCmdlet
        }
        else {
            Resolve-AuditSiftInputFile -LiteralPath $LiteralPath -Cmdlet $PSCmdlet
        }
        Read-AuditSiftFile -Session $import -File $files -CommandName 'Import-AuditLog' -Cmdlet $PSCmdlet
    }
    end {
        Complete-AuditSiftSession -Session $import -Cmdlet $PSCmdlet
    }
}
