function Find-AuditPivot {
    <#
    .SYNOPSIS
    Follows an Entra ID session, a message or an address to the sessions, message accesses and
    records connected with it.

    .DESCRIPTION
    Reads audit records from the pipeline (Search-UnifiedAuditLog results, AuditData strings,
    Import-Csv rows of a Purview export, Search-MailboxAuditLog -ShowDetails records) and finds the
    records connected with what you already know:

      - -AADSessionId: the records made in an Entra ID session (AppAccessContext.AADSessionId, or the
        session of a sign-in): the Exchange sessions it carried, and the sign-ins and SharePoint or
        OneDrive file accesses of the same token;
      - -InternetMessageId: every record that names the message (MailItemsAccessed binds, moves,
        deletes, sends), per access context;
      - -IPAddress: the records from an address, with or without a port.

    Keys of different kinds are OR-ed: a record matches when it matches any of them. Repeated
    records (the same Id) count once. What is written depends on -Show:

      - Sessions (the default without -InternetMessageId): an AuditSift.AuditSession per Exchange
        session of the records found, as Get-AuditSession writes them;
      - Accesses (the default with -InternetMessageId): an AuditSift.MessageAccess per message and
        access context: when, how many records, which operations;
      - Records: the records found as AuditSift.AuditRecord, in time order. Their InputObject is not
        kept (a pivot by message or address reads every record); AuditData is.

    .PARAMETER InputObject
    A Search-UnifiedAuditLog result, an AuditData JSON string, an Import-Csv row with an AuditData
    column, a Search-MailboxAuditLog -ShowDetails record, or a dictionary of such properties.

    .PARAMETER AADSessionId
    Entra ID session ids to pivot from (case-insensitive).

    .PARAMETER InternetMessageId
    InternetMessageIds to pivot from, with or without their angle brackets (case-insensitive).

    .PARAMETER IPAddress
    Client addresses to pivot from, with or without a port.

    .PARAMETER Show
    What to write: Sessions, Accesses or Records.

    .PARAMETER Full
    With -Show Records, also fills the Full property of each record with every AuditData field.

    .PARAMETER BatchSize
    How many records go to the native library in one call (default 5000).

    .EXAMPLE
    $results | Find-AuditPivot -AADSessionId '2f8d6b1c-94a3-4e57-8c21-6a0b3d9e5f74'

    The Exchange sessions the attacker's Entra ID session carried: take their SessionIds to
    Select-AuditSession and Get-MailboxExposure.

    .EXAMPLE
    $results | Find-AuditPivot -AADSessionId $entraSession -Show Records |
        Where-Object Workload -ne 'Exchange' | Format-Table

    What the same stolen token did outside the mailbox: sign-ins and SharePoint or OneDrive downloads.

    .EXAMPLE
    Import-Csv .\AuditLog_2026-03-05.csv |
        Find-AuditPivot -InternetMessageId '<AM0PR04MB6451648091139A57E6F9@AM0PR04MB6451.eurprd04.prod.outlook.com>'

    Who read, moved or deleted the invoice message, from where and with which client.

    .EXAMPLE
    $results | Find-AuditPivot -IPAddress 185.73.124.135 -Show Sessions | Format-List

    Every session that used the attacker's address, with all it touched.

    .INPUTS
    System.Object

    .OUTPUTS
    AuditSift.AuditSession, AuditSift.MessageAccess or AuditSift.AuditRecord, as -Show says.

    .LINK
    Get-MailboxExposure

    .LINK
    Get-AuditSession

    .LINK
    about_AuditSift
    #>
    [CmdletBinding()]
    [OutputType('AuditSift.AuditSession', 'AuditSift.MessageAccess', 'AuditSift.AuditRecord')]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [AllowEmptyString()]
        [object[]] $InputObject,

        [string[]] $AADSessionId,

        [Alias('MessageId')]
        [string[]] $InternetMessageId,

        [Alias('ClientIP', 'IP')]
        [string[]] $IPAddress,

        [ValidateSet('Sessions', 'Accesses', 'Records')]
        [string] $Show,

        [switch] $Full,

        [ValidateRange(1, 1000000)]
        [int] $BatchSize = 5000
    )
    begin {
        $query = [AuditSift.PivotQuery]::new()
        $query.AADSessionIds = $AADSessionId
        $query.InternetMessageIds = $InternetMessageId
        $query.IPAddresses = $IPAddress
        if ($query.IsEmpty) {
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                    [System.ArgumentException]::new('Find-AuditPivot needs -AADSessionId, -InternetMessageId or -IPAddress.'),
                    'AuditSift.NoPivotKey', [System.Management.Automation.ErrorCategory]::InvalidArgument, $null))
        }
        if (-not $Show) {
            $messageIds = @($InternetMessageId | Where-Object { $_ -match '\S' })
            $Show = if ($messageIds.Count -gt 0) { 'Accesses' } else { 'Sessions' }
        }
        $options = [AuditSift.PipelineOptions]::new()
        $options.Mode = [AuditSift.PipelineMode]::Pivot
        $options.Pivot = $query
        $options.PivotView = [AuditSift.PivotView]$Show
        $options.Full = $Full.IsPresent
        $options.BatchSize = $BatchSize
        $pipeline = [AuditSift.AuditPipeline]::new($options)
    }
    process {
        Add-AuditSiftInput -Session $pipeline -InputObject $InputObject -Cmdlet $PSCmdlet
    }
    end {
        try {
            Write-AuditSiftOutput -Output $pipeline.Complete() -Cmdlet $PSCmdlet
            Write-Verbose ('Find-AuditPivot: ' + $pipeline.PivotResult.ToString() + '; ' + $pipeline.Tally.ToString())
        }
        finally {
            $pipeline.Dispose()
        }
    }
}
