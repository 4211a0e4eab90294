function ConvertFrom-AuditData {
    <#
    .SYNOPSIS
    Converts Microsoft 365 audit records into typed AuditSift.AuditRecord objects.

    .DESCRIPTION
    Takes Search-UnifiedAuditLog results, their AuditData strings, Import-Csv rows of a Purview
    audit export, or Search-MailboxAuditLog -ShowDetails records from the pipeline, and emits one
    AuditSift.AuditRecord per record with every normalized field as a property: CreationTime as a
    UTC DateTime, Operation, UserId, ClientIP and the bare ClientAddress, the Exchange SessionId and
    the Entra ID AADSessionId kept apart, LogonType as a name, MailItemsAccessed MailAccessType and
    IsThrottled, the items, parameters and folders touched, and a one-line Detail. The original
    input object is kept in the InputObject property and the AuditData text in AuditData.

    Search-MailboxAuditLog records are mapped into the same shape: LastAccessed becomes
    CreationTime, OperationProperties such as MailAccessType:Sync or IsThrottled:True become
    MailAccessType and IsThrottled, AuditOperationsCountInAggregatedRecord becomes OperationCount.

    Input is gathered into batches and parsed by the native library in one call per batch, on a
    background thread while the next batch fills; records are written as each batch finishes, in
    input order, without removing duplicates (use Select-AuditSession for de-duplicated records in
    time order).

    A record that cannot be read is reported as a non-terminating error naming the record and the
    reason, with the original object as its target; the other records go on.

    .PARAMETER InputObject
    A Search-UnifiedAuditLog result, an AuditData JSON string, an Import-Csv row with an AuditData
    column, a Search-MailboxAuditLog -ShowDetails record, or a dictionary of such properties.

    .PARAMETER Full
    Also fills the Full property with every AuditData field, nested ones included, as ordered
    dictionaries and lists, so that fields beyond the normalized set need no ConvertFrom-Json.

    .PARAMETER BatchSize
    How many records go to the native library in one call. The default, 5000, matches the page
    size of Search-UnifiedAuditLog.

    .EXAMPLE
    Search-UnifiedAuditLog -StartDate 2026-03-01 -EndDate 2026-03-05 -UserIds megan.bowen@contoso.com -ResultSize 5000 |
        ConvertFrom-AuditData | Format-Table

    Reads one user's records and shows them as a table: time, operation, user, client address,
    session and detail.

    .EXAMPLE
    Import-Csv .\AuditLog_2026-03-05.csv | ConvertFrom-AuditData -Full |
        Where-Object Operation -eq 'New-InboxRule' |
        ForEach-Object { $_.Full.Parameters }

    Converts a Purview export and shows the full Parameters of every inbox rule created.

    .EXAMPLE
    Search-MailboxAuditLog -Identity megan.bowen@contoso.com -ShowDetails -StartDate 2026-03-01 -EndDate 2026-03-05 |
        ConvertFrom-AuditData | Where-Object IsThrottled

    Finds MailItemsAccessed records after which Exchange stopped auditing binds for 24 hours.

    .EXAMPLE
    $records = $results | ConvertFrom-AuditData -ErrorVariable unreadable -ErrorAction SilentlyContinue
    $unreadable | ForEach-Object { $_.Exception.Error.RawText }

    Keeps the records that could be read and collects the others, with their raw text, for review.

    .INPUTS
    System.Object

    .OUTPUTS
    AuditSift.AuditRecord

    .LINK
    about_AuditSift

    .LINK
    Select-AuditSession
    #>
    [CmdletBinding()]
    [OutputType('AuditSift.AuditRecord')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [AllowNull()]
        [AllowEmptyString()]
        [object[]] $InputObject,

        [switch] $Full,

        [ValidateRange(1, 1000000)]
        [int] $BatchSize = 5000
    )
    begin {
        $options = [AuditSift.PipelineOptions]::new()
        $options.Mode = [AuditSift.PipelineMode]::Convert
        $options.Full = $Full.IsPresent
        $options.BatchSize = $BatchSize
        $pipeline = [AuditSift.AuditPipeline]::new($options)
    }
    process {
        Add-AuditSiftInput -Session $pipeline -InputObject $InputObject -Cmdlet $PSCmdlet
    }
    end {
        Complete-AuditSiftSession -Session $pipeline -Cmdlet $PSCmdlet
    }
}
