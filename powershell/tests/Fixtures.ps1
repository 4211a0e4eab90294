# Shared set-up for the Pester tests: imports the module from the source tree against a build of
# the native library, and makes fixture objects with the real property names of
# Search-UnifiedAuditLog and Search-MailboxAuditLog -ShowDetails output.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModuleManifest = Join-Path $script:RepoRoot 'powershell/AuditSift/AuditSift.psd1'

$script:AttackerSession = '7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53'
$script:AttackerAad = '2f8d6b1c-94a3-4e57-8c21-6a0b3d9e5f74'
$script:UserSession = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'

function Find-AuditSiftTestLibrary {
    # The native library to test against: $env:AUDITSIFT_NATIVE_LIBRARY, else a cargo build.
    if ($env:AUDITSIFT_NATIVE_LIBRARY) { return $env:AUDITSIFT_NATIVE_LIBRARY }
    $targetDir = if ($env:CARGO_TARGET_DIR) { $env:CARGO_TARGET_DIR } else { Join-Path $script:RepoRoot 'target' }
    foreach ($profileName in @('debug', 'release')) {
        foreach ($name in @('libauditsift.so', 'libauditsift.dylib', 'auditsift.dll')) {
            $candidate = Join-Path (Join-Path $targetDir $profileName) $name
            if (Test-Path -LiteralPath $candidate) { return (Resolve-Path -LiteralPath $candidate).Path }
        }
    }
    throw "No native library to test against under ${targetDir}: run 'cargo build --lib' first or set `$env:AUDITSIFT_NATIVE_LIBRARY."
}

function Import-AuditSiftForTest {
    $env:AUDITSIFT_NATIVE_LIBRARY = Find-AuditSiftTestLibrary
    Import-Module $script:ModuleManifest -Force -ErrorAction Stop
}

function New-AuditDataJson {
    # One AuditData document, as Exchange writes it.
    param(
        [Parameter(Mandatory)][string] $Id,
        [Parameter(Mandatory)][string] $CreationTime,
        [Parameter(Mandatory)][string] $Operation,
        [string] $UserId = 'megan.bowen@contoso.com',
        [string] $SessionId,
        [string] $ClientIP = '10.0.0.5',
        [string] $AADSessionId,
        [hashtable] $Extra = @{}
    )
    $data = [ordered]@{
        CreationTime   = $CreationTime
        Id             = $Id
        Operation      = $Operation
        OrganizationId = '4a8f3b2e-6c1d-4e7a-9b5f-2d8c0e1a7f36'
        RecordType     = 2
        ResultStatus   = 'Succeeded'
        UserKey        = '10032000A1B2C3D4'
        UserType       = 0
        Version        = 1
        Workload       = 'Exchange'
        ClientIP       = $ClientIP
        UserId         = $UserId
        MailboxOwnerUPN = $UserId
    }
    if ($SessionId) { $data['SessionId'] = $SessionId }
    if ($AADSessionId) { $data['AppAccessContext'] = [ordered]@{ AADSessionId = $AADSessionId; UniqueTokenId = 'tok-1' } }
    foreach ($key in $Extra.Keys) { $data[$key] = $Extra[$key] }
    return ($data | ConvertTo-Json -Depth 10 -Compress)
}

function New-UnifiedAuditLogResult {
    # A Search-UnifiedAuditLog result object with its real properties.
    param(
        [Parameter(Mandatory)][string] $AuditData,
        [int] $ResultIndex = 1
    )
    $parsed = $AuditData | ConvertFrom-Json
    $result = [pscustomobject]@{
        RecordType   = 'ExchangeItem'
        CreationDate = [datetime]::Parse($parsed.CreationTime, [System.Globalization.CultureInfo]::InvariantCulture)
        UserIds      = $parsed.UserId
        Operations   = $parsed.Operation
        AuditData    = $AuditData
        ResultIndex  = $ResultIndex
        ResultCount  = 5000
        Identity     = $parsed.Id
        IsValid      = $true
        ObjectState  = 'Unchanged'
    }
    $result.PSObject.TypeNames.Insert(0, 'Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.UnifiedAuditLogEvent')
    return $result
}

function New-MailboxAuditLogRecord {
    # A Search-MailboxAuditLog -ShowDetails record with its real properties.
    param(
        [string] $Operation = 'MailItemsAccessed',
        [datetime] $LastAccessed = [datetime]::SpecifyKind([datetime]'2026-03-02T10:15:30', 'Utc'),
        [string] $SessionId = $script:AttackerSession,
        [string[]] $OperationProperties = @('MailAccessType:Sync', 'IsThrottled:True'),
        [object] $AuditOperationsCountInAggregatedRecord = 1,
        [string] $FolderPathName = '\Inbox',
        [string] $AggregatedRecordFoldersData,
        [string[]] $SourceItemInternetMessageIdsList,
        [string[]] $SourceItemSubjectsList
    )
    $record = [pscustomobject]@{
        RunspaceId                             = [guid]::Empty
        Operation                              = $Operation
        OperationResult                        = 'Succeeded'
        LogonType                              = 'Owner'
        ExternalAccess                         = $false
        LastAccessed                           = $LastAccessed
        MailboxOwnerUPN                        = 'megan.bowen@contoso.com'
        MailboxOwnerSid                        = 'S-1-5-21-1-2-3-1001'
        MailboxOwnerMasterAccountSid           = $null
        LogonUserDisplayName                   = 'Megan Bowen'
        LogonUserSid                           = 'S-1-5-21-1-2-3-1001'
        ClientInfoString                       = 'Client=MSExchangeRPC'
        ClientIPAddress                        = '185.73.124.135'
        ClientProcessName                      = 'OUTLOOK.EXE'
        ClientVersion                          = '16.0.17328.20162'
        InternalLogonType                      = 'Owner'
        MailboxGuid                            = [guid]'6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11'
        SessionId                              = $SessionId
        OperationProperties                    = $OperationProperties
        AuditOperationsCountInAggregatedRecord = $AuditOperationsCountInAggregatedRecord
        FolderPathName                         = $FolderPathName
        AggregatedRecordFoldersData            = $AggregatedRecordFoldersData
        SourceItemInternetMessageIdsList       = $SourceItemInternetMessageIdsList
        SourceItemSubjectsList                 = $SourceItemSubjectsList
        ItemSubject                            = $null
        DestFolderPathName                     = $null
    }
    $record.PSObject.TypeNames.Insert(0, 'Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.MailboxAuditLogRecord')
    return $record
}

function New-IncidentResults {
    # Search-UnifiedAuditLog results of a small incident: the attacker's session, the user's own,
    # an admin's cmdlet, and a sign-in of the attacker's Entra ID session.
    $docs = @(
        (New-AuditDataJson -Id 'a0000001-0000-4000-8000-000000000001' -CreationTime '2026-03-02T09:30:00' -Operation 'MailItemsAccessed' `
            -SessionId $script:AttackerSession.ToUpperInvariant() -ClientIP '185.73.124.135:19823' -AADSessionId $script:AttackerAad `
            -Extra @{ OperationProperties = @(@{ Name = 'MailAccessType'; Value = 'Bind' }, @{ Name = 'IsThrottled'; Value = 'False' }); OperationCount = 2;
                Folders = @(@{ Path = '\Inbox'; FolderItems = @(@{ InternetMessageId = '<a1@contoso.com>' }, @{ InternetMessageId = '<a2@contoso.com>' }) }) }),
        (New-AuditDataJson -Id 'a0000002-0000-4000-8000-000000000002' -CreationTime '2026-03-02T09:10:00' -Operation 'New-InboxRule' `
            -SessionId $script:AttackerSession -ClientIP '[2001:db8::1]:443' `
            -Extra @{ Parameters = @(@{ Name = 'Name'; Value = '..' }, @{ Name = 'DeleteMessage'; Value = 'True' }) }),
        (New-AuditDataJson -Id 'a0000003-0000-4000-8000-000000000003' -CreationTime '2026-03-02T09:20:00' -Operation 'Send' -SessionId $script:UserSession),
        (New-AuditDataJson -Id 'a0000004-0000-4000-8000-000000000004' -CreationTime '2026-03-02T09:40:00' -Operation 'HardDelete' `
            -SessionId $script:AttackerSession -ClientIP '185.73.124.135'),
        (New-AuditDataJson -Id 'a0000005-0000-4000-8000-000000000005' -CreationTime '2026-03-02T09:05:00' -Operation 'Set-Mailbox' -UserId 'admin@contoso.com'),
        (New-AuditDataJson -Id 'a0000006-0000-4000-8000-000000000006' -CreationTime '2026-03-02T09:50:00' -Operation 'FileDownloaded' `
            -ClientIP '185.73.124.135' -AADSessionId $script:AttackerAad)
    )
    $index = 0
    foreach ($doc in $docs) {
        $index++
        New-UnifiedAuditLogResult -AuditData $doc -ResultIndex $index
    }
}
