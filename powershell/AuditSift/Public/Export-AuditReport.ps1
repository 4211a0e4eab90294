function Export-AuditReport {
    <#
    .SYNOPSIS
    Writes the audit records in scope as one self-contained HTML investigation report.

    .DESCRIPTION
    Reads audit records from the pipeline (Search-UnifiedAuditLog results, AuditData strings,
    Import-Csv rows of a Purview export, Search-MailboxAuditLog -ShowDetails records) or from files
    (-InputPath, -LiteralInputPath: Purview CSV, JSON, JSON lines, gzip, read by the native readers),
    and writes one HTML file that opens offline in any current browser and can be handed to managers
    or legal as it is. It holds:

      - the timeline of the records in scope, one lane per session, with deletes, sends, rule changes
        and mail access marked, and every record's detail and raw AuditData (unless -NoRawAuditData);
      - the session inventory of those records;
      - the MailItemsAccessed exposure: folders synced, messages read, and the windows in which
        throttling stopped Bind auditing (holes in the evidence, shown as such);
      - the input summary: the files or the pipeline, the counts that account for every record, and
        the records that could not be read, with their reason and raw text.

    The filter parameters are the scope, combined as in Select-AuditSession: kinds with AND, values of
    one kind with OR, -SessionId and -AADSessionId as one kind. The report shows them as given. As in
    Get-MailboxExposure, a throttled MailItemsAccessed record of a scoped user counts for the exposure
    whatever its session, because throttling is a fact about the mailbox. Repeated records (the same
    Id) count once. Only the records in scope are held until the input ends; then the file is written.

    The page contains no script or style from elsewhere and fetches nothing; text from the records
    (subjects, rule names) is shown as text, never as markup.

    Like Export-Csv, an existing file is replaced unless -NoClobber is given; -Force also replaces a
    read-only one. -Path is resolved against the current PowerShell location.

    A record that cannot be read is reported as a non-terminating error naming it (and the file and
    row, for files), listed in the report, and the other records go on.

    .PARAMETER Path
    The HTML file to write, taken as written (no wildcards). Relative paths are resolved against the
    current PowerShell location.

    .PARAMETER InputObject
    A Search-UnifiedAuditLog result, an AuditData JSON string, an Import-Csv row with an AuditData
    column, a Search-MailboxAuditLog -ShowDetails record, or a dictionary of such properties.

    .PARAMETER InputPath
    Audit log files to read instead of pipeline input; wildcards are allowed.

    .PARAMETER LiteralInputPath
    Audit log files to read, taken exactly as written.

    .PARAMETER SessionId
    Scope: Exchange SessionIds (with -AADSessionId, either session).

    .PARAMETER AADSessionId
    Scope: Entra ID session ids.

    .PARAMETER UserId
    Scope: users, matched against UserId and MailboxOwnerUPN.

    .PARAMETER Operation
    Scope: operation names, such as MailItemsAccessed, New-InboxRule, HardDelete.

    .PARAMETER IPAddress
    Scope: client addresses, with or without a port.

    .PARAMETER StartTime
    Scope: earliest CreationTime kept (inclusive). A time without a zone is local time; give UTC as
    '2026-03-02T09:00:00Z'. The report shows it in UTC.

    .PARAMETER EndTime
    Scope: latest CreationTime kept (inclusive).

    .PARAMETER Title
    The report's title, such as the case number.

    .PARAMETER NoRawAuditData
    Leaves each record's raw AuditData out of the report: a smaller file for large inputs.

    .PARAMETER PassThru
    Writes the report's file (a System.IO.FileInfo) to the pipeline.

    .PARAMETER Force
    Replaces the file even when it is read-only.

    .PARAMETER NoClobber
    Does not replace an existing file: fails before reading any input instead.

    .PARAMETER BatchSize
    How many records go to the native library in one call (default 5000).

    .EXAMPLE
    Search-UnifiedAuditLog -StartDate 2026-03-01 -EndDate 2026-03-05 -UserIds megan.bowen@contoso.com -SessionCommand ReturnLargeSet -ResultSize 5000 |
        Export-AuditReport -Path .\INC-4711-attacker-session.html -SessionId '7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53' -Title 'INC-4711: attacker session in Megan Bowen''s mailbox'

    The report on the attacker's Exchange session, straight from the search: what it did, in time
    order, and which mail it read, in one file for the case.

    .EXAMPLE
    Export-AuditReport -Path .\INC-4711.html -InputPath .\exports\AuditLog_*.csv -UserId megan.bowen@contoso.com -StartTime '2026-03-02T00:00:00Z' -NoRawAuditData -PassThru |
        Invoke-Item

    The whole mailbox from several Purview exports read natively (no Import-Csv), repeated records
    removed, without the raw AuditData to keep the file small; then opens it in the browser.

    .EXAMPLE
    Import-Csv .\AuditLog_2026-03-05.csv |
        Export-AuditReport -Path \\fileserver\cases\INC-4711\report.html -SessionId $exchangeSession -AADSessionId $entraSession -NoClobber

    The Exchange and Entra ID sessions of the attacker together, written to the case share without
    replacing a report already there.

    .EXAMPLE
    Search-MailboxAuditLog -Identity megan.bowen@contoso.com -ShowDetails -StartDate 2026-03-01 -EndDate 2026-03-05 |
        Export-AuditReport -Path .\mailbox-audit.html -Title 'Mailbox audit log, Megan Bowen' -ErrorVariable unreadable

    A report from mailbox audit records; the records that could not be read are in the report and in
    $unreadable.

    .INPUTS
    System.Object

    .OUTPUTS
    None, or System.IO.FileInfo with -PassThru.

    .LINK
    Select-AuditSession

    .LINK
    Get-MailboxExposure

    .LINK
    about_AuditSift
    #>
    [CmdletBinding(DefaultParameterSetName = 'Pipeline', SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType([System.IO.FileInfo])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'Pipeline')]
        [AllowNull()]
        [AllowEmptyString()]
        [object[]] $InputObject,

        [Parameter(Mandatory, ParameterSetName = 'InputPath')]
        [SupportsWildcards()]
        [string[]] $InputPath,

        [Parameter(Mandatory, ParameterSetName = 'LiteralInputPath')]
        [string[]] $LiteralInputPath,

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

        [string] $Title = '',

        [switch] $NoRawAuditData,

        [switch] $PassThru,

        [switch] $Force,

        [Alias('NoOverwrite')]
        [switch] $NoClobber,

        [ValidateRange(1, 1000000)]
        [int] $BatchSize = 5000
    )
    begin {
        $session = $null
        # The output is checked before any input is read: a typo must not cost a long read.
        $outputPath = Resolve-AuditSiftReportPath -Path $Path -Cmdlet $PSCmdlet -NoClobber:$NoClobber -Force:$Force
        if (-not $PSCmdlet.ShouldProcess($outputPath, 'Write HTML audit report')) {
            return
        }
        $options = [AuditSift.PipelineOptions]::new()
        $options.Mode = [AuditSift.PipelineMode]::Report
        $options.Filter = New-AuditSiftFilter -BoundParameters $PSBoundParameters
        $options.BatchSize = $BatchSize
        $options.Report = [AuditSift.ReportOptions]::new()
        $options.Report.Path = $outputPath
        $options.Report.Title = $Title
        $options.Report.NoRawAuditData = $NoRawAuditData.IsPresent
        $fromFiles = $PSCmdlet.ParameterSetName -ne 'Pipeline'
        if ($fromFiles) {
            $session = [AuditSift.AuditLogImport]::new($options)
        }
        else {
            $session = [AuditSift.AuditPipeline]::new($options)
        }
    }
    process {
        if ($null -eq $session) { return }
        if (-not $fromFiles) {
            Add-AuditSiftInput -Session $session -InputObject $InputObject -Cmdlet $PSCmdlet
            return
        }
        $files = if ($PSCmdlet.ParameterSetName -eq 'InputPath') {
            Resolve-AuditSiftInputFile -Path $InputPath -Cmdlet $PSCmdlet
        }
        else {
            Resolve-AuditSiftInputFile -LiteralPath $LiteralInputPath -Cmdlet $PSCmdlet
        }
        Read-AuditSiftFile -Session $session -File $files -CommandName 'Export-AuditReport' -Cmdlet $PSCmdlet
    }
    end {
        if ($null -eq $session) { return }
        try {
            # The file may have appeared while the input was read.
            $null = Resolve-AuditSiftReportPath -Path $outputPath -Cmdlet $PSCmdlet -NoClobber:$NoClobber -Force:$Force -ClearReadOnly
            try {
                $output = $session.Complete()
            }
            catch {
                $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                        $_.Exception.GetBaseException(), 'AuditSift.CannotWriteReport', [System.Management.Automation.ErrorCategory]::WriteError, $outputPath))
            }
            Write-AuditSiftOutput -Output $output -Cmdlet $PSCmdlet
            Write-Verbose ("Export-AuditReport: wrote $outputPath; " + $session.Tally.ToString())
            if ($PassThru) {
                $PSCmdlet.WriteObject((Get-Item -LiteralPath $outputPath -Force))
            }
        }
        finally {
            $session.Dispose()
        }
    }
}
