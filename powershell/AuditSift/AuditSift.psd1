@{
    RootModule           = 'AuditSift.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f6c2a1e-8d4b-4f7a-9c2e-5b1d7e0a4c93'
    Author               = 'The auditsift authors'
    CompanyName          = 'auditsift'
    Copyright            = '(c) The auditsift authors. MIT license.'
    Description          = 'Fast, tolerant reading of Microsoft 365 audit logs for incident response. Converts Search-UnifiedAuditLog results, Purview exports and Search-MailboxAuditLog -ShowDetails records into typed objects, picks out one session''s records in time order, lists the sessions of a log, tells which mail was exposed from MailItemsAccessed records (with the holes throttling leaves), pivots from Entra ID sessions, messages and addresses, and writes a self-contained HTML investigation report, through a native Rust library.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.6.2'
    FunctionsToExport    = @(
        'ConvertFrom-AuditData',
        'Select-AuditSession',
        'Get-AuditSession',
        'Import-AuditLog',
        'Get-MailboxExposure',
        'Find-AuditPivot',
        'Export-AuditReport'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('AuditSift.Format.ps1xml')
    FileList             = @(
        'AuditSift.psd1',
        'AuditSift.psm1',
        'AuditSift.Format.ps1xml',
        'csharp/Json.cs',
        'csharp/Input.cs',
        'csharp/Records.cs',
        'csharp/Native.cs',
        'csharp/Decoder.cs',
        'csharp/Exposure.cs',
        'csharp/Pipeline.cs',
        'csharp/Reader.cs',
        'csharp/Report.cs',
        'Private/FilePaths.ps1',
        'Private/Internal.ps1',
        'Public/ConvertFrom-AuditData.ps1',
        'Public/Select-AuditSession.ps1',
        'Public/Get-AuditSession.ps1',
        'Public/Import-AuditLog.ps1',
        'Public/Get-MailboxExposure.ps1',
        'Public/Find-AuditPivot.ps1',
        'Public/Export-AuditReport.ps1',
        'en-US/about_AuditSift.help.txt'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('AuditLog', 'UnifiedAuditLog', 'Purview', 'Microsoft365', 'Office365', 'ExchangeOnline',
                'MailItemsAccessed', 'IncidentResponse', 'DFIR', 'Forensics', 'BEC', 'Security',
                'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/auditsift/auditsift'
            LicenseUri   = 'https://github.com/auditsift/auditsift/blob/main/LICENSE'
            ReleaseNotes = 'First release: ConvertFrom-AuditData, Select-AuditSession, Get-AuditSession, Import-AuditLog, Get-MailboxExposure, Find-AuditPivot, Export-AuditReport.'
        }
    }
}
