# Helpers shared by the exported functions. The C# does the work; these only move PowerShell
# objects across (the C# does not reference System.Management.Automation, so it cannot read the
# properties of a PSObject itself).

function Get-AuditSiftDocumentSource {
    # What the C# needs of one input object: the AuditData string of a Search-UnifiedAuditLog
    # result or an export row, the object itself when the C# can read it (a string, a dictionary),
    # or a dictionary of a Search-MailboxAuditLog -ShowDetails object's properties.
    [CmdletBinding()]
    [OutputType([object])]
    param([Parameter(Mandatory)][AllowNull()][object] $InputObject)
    if ($null -eq $InputObject -or $InputObject -is [string] -or $InputObject -is [System.Collections.IDictionary]) {
        return $InputObject
    }
    $auditData = $InputObject.PSObject.Properties['AuditData']
    if ($null -ne $auditData) {
        $value = $auditData.Value
        if ($null -ne $value -and $value -isnot [string] -and $value -isnot [System.Collections.IDictionary]) {
            # AuditData as an object (ConvertFrom-Json of a Graph record): back to JSON text.
            $value = ConvertTo-Json -InputObject $value -Depth 64 -Compress
        }
        return @{ AuditData = $value }
    }
    $properties = [ordered]@{}
    foreach ($property in $InputObject.PSObject.Properties) {
        $value = $null
        try { $value = $property.Value } catch { continue }
        if ($null -ne $value -and $value.PSObject.BaseObject -isnot [System.Management.Automation.PSCustomObject]) {
            # Deserialized Exchange values arrive wrapped; the C# reads the value inside. A custom
            # object stays wrapped so that it keeps its properties (the C# then uses its text).
            $value = $value.PSObject.BaseObject
        }
        $properties[$property.Name] = $value
    }
    return $properties
}

function Get-AuditSiftInputName {
    # A name for an input object in error messages: the Identity of a Search-UnifiedAuditLog
    # result or the RecordId of a Purview export row, when it has one.
    [CmdletBinding()]
    [OutputType([string])]
    param([AllowNull()][object] $InputObject)
    if ($null -eq $InputObject -or $InputObject -is [string]) { return '' }
    foreach ($name in @('Identity', 'RecordId', 'Id')) {
        if ($InputObject -is [System.Collections.IDictionary]) {
            if ($InputObject.Contains($name) -and $null -ne $InputObject[$name]) { return "$name $($InputObject[$name])" }
            continue
        }
        $property = $InputObject.PSObject.Properties[$name]
        if ($null -ne $property -and $null -ne $property.Value) { return "$name $($property.Value)" }
    }
    return ''
}

function Write-AuditSiftOutput {
    # Writes one batch's output: its warnings (dates read month first, bytes replaced), its
    # errors as non-terminating errors (so -ErrorAction and -ErrorVariable work as for any
    # cmdlet), then its objects, enumerated.
    [CmdletBinding()]
    param(
        [AllowNull()][AuditSift.AuditBatchOutput] $Output,
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet] $Cmdlet
    )
    if ($null -eq $Output) { return }
    foreach ($warning in $Output.Warnings) {
        $Cmdlet.WriteWarning($warning.ToString())
    }
    foreach ($recordError in $Output.Errors) {
        if (-not $recordError.Source) {
            $recordError.Source = Get-AuditSiftInputName -InputObject $recordError.InputObject
        }
        $target = $recordError.InputObject
        if ($null -eq $target) { $target = $recordError.RawText }
        $errorRecord = [System.Management.Automation.ErrorRecord]::new(
            [AuditSift.AuditRecordException]::new($recordError),
            'AuditSift.UnreadableRecord',
            [System.Management.Automation.ErrorCategory]::InvalidData,
            $target)
        $Cmdlet.WriteError($errorRecord)
    }
    if ($Output.Items.Count -gt 0) {
        $Cmdlet.WriteObject($Output.Items, $true)
    }
}

function New-AuditSiftFilter {
    # The C# filter from the filter parameters a function was given.
    [CmdletBinding()]
    [OutputType([AuditSift.AuditFilter])]
    param([Parameter(Mandatory)][System.Collections.IDictionary] $BoundParameters)
    $filter = [AuditSift.AuditFilter]::new()
    if ($BoundParameters.Contains('SessionId')) { $filter.SessionIds = [string[]] $BoundParameters['SessionId'] }
    if ($BoundParameters.Contains('AADSessionId')) { $filter.AADSessionIds = [string[]] $BoundParameters['AADSessionId'] }
    if ($BoundParameters.Contains('UserId')) { $filter.UserIds = [string[]] $BoundParameters['UserId'] }
    if ($BoundParameters.Contains('Operation')) { $filter.Operations = [string[]] $BoundParameters['Operation'] }
    if ($BoundParameters.Contains('IPAddress')) { $filter.IPAddresses = [string[]] $BoundParameters['IPAddress'] }
    if ($BoundParameters.Contains('StartTime')) { $filter.StartTime = [datetime] $BoundParameters['StartTime'] }
    if ($BoundParameters.Contains('EndTime')) { $filter.EndTime = [datetime] $BoundParameters['EndTime'] }
    return $filter
}

function Add-AuditSiftInput {
    # Hands pipeline input objects to a pipeline session one by one and writes what each full
    # batch gives back.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][AuditSift.AuditPipeline] $Session,
        [AllowNull()][AllowEmptyCollection()][object[]] $InputObject,
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet] $Cmdlet
    )
    foreach ($item in $InputObject) {
        $output = $Session.Add((Get-AuditSiftDocumentSource -InputObject $item), $item)
        if ($null -ne $output) { Write-AuditSiftOutput -Output $output -Cmdlet $Cmdlet }
    }
}

function Read-AuditSiftFile {
    # Reads files through an import session batch by batch, showing progress and writing each
    # batch's output. A file that cannot be opened or read to its end is a non-terminating error
    # naming it; the next file is read.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][AuditSift.AuditLogImport] $Session,
        [AllowEmptyCollection()][string[]] $File,
        [Parameter(Mandatory)][string] $CommandName,
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet] $Cmdlet
    )
    foreach ($path in $File) {
        try {
            $Session.Open($path)
        }
        catch {
            $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                    $_.Exception.GetBaseException(), 'AuditSift.CannotOpenFile', [System.Management.Automation.ErrorCategory]::ReadError, $path))
            continue
        }
        $activity = "${CommandName}: reading $path"
        try {
            while ($true) {
                try {
                    $output = $Session.ReadNext()
                }
                catch {
                    # The file itself failed (I/O, not a record): report it, go on with the next.
                    $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                            $_.Exception.GetBaseException(), 'AuditSift.ReadFailed', [System.Management.Automation.ErrorCategory]::ReadError, $path))
                    break
                }
                if ($null -eq $output) { break }
                $percent = [int][Math]::Min(100, [Math]::Max(0, $Session.PercentComplete))
                Write-Progress -Activity $activity -PercentComplete $percent -Status (
                    '{0:N0} records read, {1:N0} kept' -f $Session.Tally.Read, $Session.Tally.Matched)
                Write-AuditSiftOutput -Output $output -Cmdlet $Cmdlet
            }
        }
        finally {
            $Session.Close()
            Write-Progress -Activity $activity -Completed
        }
    }
}

function Complete-AuditSiftSession {
    # Ends a pipeline or import session: writes what it gives at the end (sorted records, the
    # inventory, the exposure), then frees its native handles whatever happens.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][System.IDisposable] $Session,
        [Parameter(Mandatory)][System.Management.Automation.PSCmdlet] $Cmdlet
    )
    try {
        Write-AuditSiftOutput -Output $Session.Complete() -Cmdlet $Cmdlet
    }
    finally {
        $Session.Dispose()
    }
}
