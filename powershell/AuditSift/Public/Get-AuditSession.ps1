function Get-AuditSession {
    <#
    .SYNOPSIS
    Lists the Exchange sessions found in audit records: who, from where, what, and when.

    .DESCRIPTION
    Reads audit records from the pipeline (Search-UnifiedAuditLog results, AuditData strings,
    Import-Csv rows of a Purview export, Search-MailboxAuditLog -ShowDetails records) and emits one
    AuditSift.AuditSession per Exchange SessionId: first and last time seen, the number of records
    (repeated records counted once), the users, mailboxes, client addresses, client strings and
    Entra ID sessions seen with it, and how many records of each operation it has. Records without a
    SessionId (basic authentication, other workloads) form one group whose SessionId is empty.

    Sessions are listed by first appearance. The inventory is written when the input ends; only the
    summaries are held, never the records.

    The filter parameters, when given, restrict the records counted (for example to one user or a
    time window).

    .PARAMETER InputObject
    A Search-UnifiedAuditLog result, an AuditData JSON string, an Import-Csv row with an AuditData
    column, a Search-MailboxAuditLog -ShowDetails record, or a dictionary of such properties.

    .PARAMETER SessionId
    Only these Exchange SessionIds (or AADSessionIds given with -AADSessionId).

    .PARAMETER AADSessionId
    Only records of these Entra ID sessions.

    .PARAMETER UserId
    Only records of these users (UserId or MailboxOwnerUPN).

    .PARAMETER Operation
    Only these operations.

    .PARAMETER IPAddress
    Only these client addresses.

    .PARAMETER StartTime
    Earliest CreationTime counted (inclusive).

    .PARAMETER EndTime
    Latest CreationTime counted (inclusive).

    .PARAMETER BatchSize
    How many records go to the native library in one call (default 5000).

    .EXAMPLE
    Search-UnifiedAuditLog -StartDate 2026-03-01 -EndDate 2026-03-05 -UserIds megan.bowen@contoso.com -ResultSize 5000 |
        Get-AuditSession

    The sessions of one mailbox: look for an unknown address or client string next to the usual ones.

    .EXAMPLE
    Import-Csv .\AuditLog_2026-03-05.csv | Get-AuditSession |
        Where-Object { $_.ClientIPs -contains '185.73.124.135' } | Format-List

    Every session that used the attacker's address, with all it touched.

    .EXAMPLE
    $sessions = $results | Get-AuditSession
    $results | Select-AuditSession -SessionId ($sessions | Where-Object { $_.Operations.Contains('New-InboxRule') }).SessionId

    Finds the sessions that created inbox rules, then everything those sessions did.

    .INPUTS
    System.Object

    .OUTPUTS
    AuditSift.AuditSession

    .LINK
    Select-AuditSession

    .LINK
    about_AuditSift
    #>
    [CmdletBinding()]
    [OutputType('AuditSift.AuditSession')]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [AllowEmptyString()]
        [object[]] $InputObject,

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

        [ValidateRange(1, 1000000)]
        [int] $BatchSize = 5000
    )
    begin {
        $options = [AuditSift.PipelineOptions]::new()
        $options.Mode = [AuditSift.PipelineMode]::Inventory
        $options.Filter = New-AuditSiftFilter -BoundParameters $PSBoundParameters
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
