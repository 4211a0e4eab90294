function Get-MailboxExposure {
    <#
    .SYNOPSIS
    Tells which mail was exposed, per mailbox and access context, from MailItemsAccessed records, and
    where throttling left holes in the evidence.

    .DESCRIPTION
    Reads audit records from the pipeline (Search-UnifiedAuditLog results, AuditData strings,
    Import-Csv rows of a Purview export, Search-MailboxAuditLog -ShowDetails records) or from files
    (-Path: Purview CSV, JSON, JSON lines, gzip, read by the native readers), and emits one
    AuditSift.MailboxExposure per mailbox the records in scope accessed:

      - Contexts: every access context (SessionId, client address, ClientInfoString, LogonType,
        user; Exchange starts a new MailItemsAccessed record when any of them changes), with its
        first and last access, its counts, and the messages it bound;
      - SyncFolders: folders downloaded by Sync: every item in them counts as exposed from then on;
      - Messages: every InternetMessageId read by Bind, de-duplicated across records and sessions,
        with its folders, first and last access, access count and the contexts that read it;
      - UnitemizedBinds: Bind records whose OperationCount exceeds the messages they list (reads of
        messages nobody can name);
      - ThrottledWindows: holes in the evidence. A MailItemsAccessed record with IsThrottled = True
        means Bind auditing of the mailbox stopped for 24 hours: every message in the mailbox must be
        assumed read in that window. Each window is also written as a warning, and the sessions
        active in it are listed.

    The filter parameters are the scope: only the accesses of the records they match count. A
    throttled record of a scoped user counts whatever its session, address or time, because
    throttling is a fact about the mailbox: a hole opened by another session still hides what the
    scoped session did. Repeated records (the same Id, as repeated pages give) count once.

    Access counts are lower bounds: Exchange drops repeated binds of a message in the same context
    within an hour.

    .PARAMETER InputObject
    A Search-UnifiedAuditLog result, an AuditData JSON string, an Import-Csv row with an AuditData
    column, a Search-MailboxAuditLog -ShowDetails record, or a dictionary of such properties.

    .PARAMETER Path
    Files to read instead of pipeline input; wildcards are allowed.

    .PARAMETER LiteralPath
    Files to read, taken exactly as written.

    .PARAMETER SessionId
    Scope: Exchange SessionIds (with -AADSessionId, either session).

    .PARAMETER AADSessionId
    Scope: Entra ID session ids.

    .PARAMETER UserId
    Scope: users, matched against UserId and MailboxOwnerUPN.

    .PARAMETER IPAddress
    Scope: client addresses, with or without a port.

    .PARAMETER StartTime
    Scope: earliest CreationTime counted (inclusive). A time without a zone is local time; give UTC as
    '2026-03-02T09:00:00Z'. Throttle windows of the scoped users are counted whenever they began.

    .PARAMETER EndTime
    Scope: latest CreationTime counted (inclusive).

    .PARAMETER BatchSize
    How many records go to the native library in one call (default 5000).

    .EXAMPLE
    Search-UnifiedAuditLog -StartDate 2026-03-01 -EndDate 2026-03-05 -UserIds megan.bowen@contoso.com -Operations MailItemsAccessed -ResultSize 5000 |
        Get-MailboxExposure -SessionId '7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53'

    What the attacker's Exchange session read in Megan's mailbox: folders synced, messages bound, and
    a warning for every window in which Bind auditing was throttled.

    .EXAMPLE
    $exposure = Get-MailboxExposure -Path .\AuditLog_2026-03-05.csv -SessionId $attackerSession
    $exposure.Messages | Export-Csv .\exposed-messages.csv -NoTypeInformation
    $exposure.SyncFolders | Format-Table

    The list of messages to notify about, from a Purview export read without Import-Csv, and the
    folders the attacker downloaded whole.

    .EXAMPLE
    $results | Get-MailboxExposure -UserId megan.bowen@contoso.com |
        Select-Object -ExpandProperty Contexts | Format-Table

    Every context that read Megan's mail, to tell the attacker's (unknown address, REST client) from
    her own Outlook.

    .EXAMPLE
    Search-MailboxAuditLog -Identity megan.bowen@contoso.com -ShowDetails -StartDate 2026-03-01 -EndDate 2026-03-05 |
        Get-MailboxExposure -WarningVariable holes
    $holes.Count

    The same from mailbox audit records; the throttling warnings are kept in $holes.

    .INPUTS
    System.Object

    .OUTPUTS
    AuditSift.MailboxExposure

    .LINK
    Find-AuditPivot

    .LINK
    Select-AuditSession

    .LINK
    about_AuditSift
    #>
    [CmdletBinding(DefaultParameterSetName = 'Pipeline')]
    [OutputType('AuditSift.MailboxExposure')]
    param(
        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'Pipeline')]
        [AllowNull()]
        [AllowEmptyString()]
        [object[]] $InputObject,

        [Parameter(Mandatory, ParameterSetName = 'Path')]
        [SupportsWildcards()]
        [string[]] $Path,

        [Parameter(Mandatory, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string[]] $LiteralPath,

        [Parameter(Position = 0)]
        [string[]] $SessionId,

        [string[]] $AADSessionId,

        [Alias('UserIds', 'User')]
        [string[]] $UserId,

        [Alias('ClientIP', 'IP')]
        [string[]] $IPAddress,

        [Alias('StartDate')]
        [datetime] $StartTime,

        [Alias('EndDate')]
        [datetime] $EndTime,

        [ValidateRange(1, 1000000)]
        [int] $BatchSize = 5000
    )
    begin {
        $options = [AuditSift.PipelineOptions]::new()
        $options.Mode = [AuditSift.PipelineMode]::Exposure
        $options.Filter = New-AuditSiftFilter -BoundParameters $PSBoundParameters
        $options.BatchSize = $BatchSize
        $fromFiles = $PSCmdlet.ParameterSetName -ne 'Pipeline'
        if ($fromFiles) {
            $session = [AuditSift.AuditLogImport]::new($options)
        }
        else {
            $session = [AuditSift.AuditPipeline]::new($options)
        }
    }
    process {
        if (-not $fromFiles) {
            Add-AuditSiftInput -Session $session -InputObject $InputObject -Cmdlet $PSCmdlet
            return
        }
        $files = if ($PSCmdlet.ParameterSetName -eq 'Path') {
            Resolve-AuditSiftInputFile -Path $Path -Cmdlet $PSCmdlet
        }
        else {
            Resolve-AuditSiftInputFile -LiteralPath $LiteralPath -Cmdlet $PSCmdlet
        }
        Read-AuditSiftFile -Session $session -File $files -CommandName 'Get-MailboxExposure' -Cmdlet $PSCmdlet
    }
    end {
        try {
            $output = $session.Complete()
            Write-AuditSiftOutput -Output $output -Cmdlet $PSCmdlet
            # A hole in the evidence changes what the objects mean: say so where it cannot be missed.
            foreach ($mailbox in $output.Items) {
                foreach ($window in $mailbox.ThrottledWindows) {
                    Write-Warning $window.Warning
                }
            }
            Write-Verbose ('Get-MailboxExposure: ' + $session.Tally.ToString())
        }
        finally {
            $session.Dispose()
        }
    }
}
