function Select-AuditSession {
    <#
    .SYNOPSIS
    Picks out the records of one or more sessions, de-duplicated and in time order.

    .DESCRIPTION
    Reads audit records from the pipeline (Search-UnifiedAuditLog results, AuditData strings,
    Import-Csv rows of a Purview export, Search-MailboxAuditLog -ShowDetails records) and emits the
    records that match every filter given, as AuditSift.AuditRecord objects sorted by CreationTime
    (then Id), with repeated records (the same Id, as repeated pages of Search-UnifiedAuditLog give)
    written once.

    Filters of different kinds must all match; several values of one kind match any of them. The
    Exchange SessionId and the Entra ID AADSessionId count as one kind, so -SessionId and
    -AADSessionId together give what either session did. Ids, users and operations compare without
    regard to case; addresses compare without their port.

    Records are parsed in batches by the native library as they arrive; documents that cannot
    contain the session ids are skipped without parsing. Only the matching records are held until
    the input ends, then they are written in order.

    .PARAMETER InputObject
    A Search-UnifiedAuditLog result, an AuditData JSON string, an Import-Csv row with an AuditData
    column, a Search-MailboxAuditLog -ShowDetails record, or a dictionary of such properties.

    .PARAMETER SessionId
    Exchange SessionIds (AuditData SessionId).

    .PARAMETER AADSessionId
    Entra ID session ids (AuditData AppAccessContext.AADSessionId, or the SessionId of a sign-in's
    DeviceProperties).

    .PARAMETER UserId
    Users: matched against UserId and MailboxOwnerUPN.

    .PARAMETER Operation
    Operation names, such as MailItemsAccessed, New-InboxRule, HardDelete.

    .PARAMETER IPAddress
    Client addresses, with or without a port; matched against ClientIP and ClientIPAddress.

    .PARAMETER StartTime
    Earliest CreationTime kept (inclusive). A time without a zone is taken as local time, as
    Search-UnifiedAuditLog does; give a UTC time as '2026-03-02T09:00:00Z'.

    .PARAMETER EndTime
    Latest CreationTime kept (inclusive).

    .PARAMETER Full
    Also fills the Full property of each record with every AuditData field as ordered dictionaries.

    .PARAMETER PassThru
    Writes the original input objects of the matching records (in time order, de-duplicated)
    instead of AuditSift.AuditRecord objects, for example to Export-Csv them unchanged.

    .PARAMETER BatchSize
    How many records go to the native library in one call (default 5000).

    .EXAMPLE
    Search-UnifiedAuditLog -StartDate 2026-03-01 -EndDate 2026-03-05 -UserIds megan.bowen@contoso.com -ResultSize 5000 |
        Select-AuditSession -SessionId 'b7c6f5e4-d3c2-4b1a-9f8e-7d6c5b4a3f2e'

    Everything one Exchange session did, in time order: the first pipeline of an investigation.

    .EXAMPLE
    Import-Csv .\AuditLog_2026-03-05.csv |
        Select-AuditSession -SessionId $exchangeSession -AADSessionId $entraSession -Operation MailItemsAccessed, HardDelete |
        Format-List

    The mail read and deleted by either the Exchange or the Entra ID session of the attacker.

    .EXAMPLE
    $results | Select-AuditSession -IPAddress 185.73.124.135 -StartTime '2026-03-02T00:00:00Z' -PassThru |
        Export-Csv .\attacker-ip.csv -NoTypeInformation

    Saves the original Search-UnifiedAuditLog results of one address, de-duplicated and in time
    order, for the case file.

    .INPUTS
    System.Object

    .OUTPUTS
    AuditSift.AuditRecord, or the input objects with -PassThru.

    .LINK
    Get-AuditSession

    .LINK
    about_AuditSift
    #>
    [CmdletBinding()]
    [OutputType('AuditSift.AuditRecord')]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [AllowEmptyString()]
        [object[]] $InputObject,

        [Parameter(Position = 0)]
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

        [switch] $PassThru,

        [ValidateRange(1, 1000000)]
        [int] $BatchSize = 5000
    )
    begin {
        $options = [AuditSift.PipelineOptions]::new()
        $options.Mode = [AuditSift.PipelineMode]::Select
        $options.Filter = New-AuditSiftFilter -BoundParameters $PSBoundParameters
        $options.Full = $Full.IsPresent
        $options.PassThru = $PassThru.IsPresent
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
