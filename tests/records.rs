//! Every AuditData variant from the reference, read from fixtures, with the fields it must yield.

use std::fs;

use auditsift::record::{ItemRole, LogonType, MailAccessType, parse_record};
use auditsift::time::format_utc;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/records/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    String::from_utf8(fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn parsed(name: &str) -> auditsift::AuditRecord<'static> {
    parse_record(&fixture(name)).unwrap().into_owned()
}

fn time(r: &auditsift::AuditRecord<'_>) -> String {
    format_utc(&r.creation_time.expect("creation time"))
}

#[test]
fn tidy_bind_record() {
    let raw = fixture("bind_tidy.json");
    let r = parse_record(&raw).unwrap();
    assert_eq!(time(&r), "2026-03-02T07:12:05Z");
    assert_eq!(
        r.id.as_deref(),
        Some("0f6b3c1e-2a4d-4b8e-9c7f-1d2e3f4a5b6c")
    );
    assert_eq!(r.operation.as_deref(), Some("MailItemsAccessed"));
    assert_eq!(r.record_type, Some(50));
    assert_eq!(
        r.record_type_name.as_deref(),
        Some("ExchangeItemAggregated")
    );
    assert_eq!(r.user_type.as_deref(), Some("Regular"));
    assert_eq!(
        r.session_id.as_deref(),
        Some("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11")
    );
    assert_eq!(
        r.aad_session_id.as_deref(),
        Some("7a1d9e2c-5b3f-4c6a-8e9d-0f1a2b3c4d5e")
    );
    assert_eq!(
        r.client_info_string.as_deref(),
        Some("Client=OWA;Action=ViewAction")
    );
    assert_eq!(r.logon_type, Some(LogonType::Owner));
    assert_eq!(r.external_access, Some(false));
    assert_eq!(
        r.mailbox_owner_upn.as_deref(),
        Some("megan.bowen@contoso.com")
    );
    assert_eq!(
        r.mailbox_guid.as_deref(),
        Some("9c8b7a6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d")
    );
    assert_eq!(
        r.client_app_id.as_deref(),
        Some("00000002-0000-0ff1-ce00-000000000000")
    );
    assert_eq!(
        r.originating_server.as_deref(),
        Some("AM0PR01MB1234 (15.20.7339.000)")
    );
    assert_eq!(r.mail_access_type, Some(MailAccessType::Bind));
    assert_eq!(r.is_throttled, Some(false));
    assert_eq!(r.operation_count, Some(3));
    assert_eq!(r.folders.len(), 1);
    assert_eq!(r.folders[0].path.as_deref(), Some("\\Inbox"));
    assert_eq!(
        r.folders[0].message_ids,
        ["<A1@contoso.com>", "<B2@contoso.com>"]
    );
    assert_eq!(r.raw, raw, "raw text is kept untouched");
    assert!(
        matches!(r.session_id, Some(std::borrow::Cow::Borrowed(_))),
        "no copy without escapes"
    );
}

#[test]
fn nested_fields_as_strings_and_scalars_as_text() {
    let r = parsed("sync_string_nested.json");
    assert_eq!(time(&r), "2026-03-02T07:15:00.1234567Z");
    assert_eq!(r.record_type, Some(50));
    assert_eq!(r.result_status.as_deref(), Some("success"));
    assert_eq!(r.user_type.as_deref(), Some("Regular"));
    assert_eq!(r.client_ip.as_deref(), Some("[2001:db8::1]:443"));
    assert_eq!(r.client_address.unwrap().to_string(), "2001:db8::1");
    assert_eq!(r.external_access, Some(false));
    assert_eq!(r.logon_type, Some(LogonType::Owner));
    assert_eq!(r.mail_access_type, Some(MailAccessType::Sync));
    assert_eq!(r.is_throttled, Some(true));
    assert_eq!(r.operation_count, Some(1));
    assert_eq!(r.folders[0].path.as_deref(), Some("\\Sent Items"));
    assert!(r.folders[0].message_ids.is_empty());
    assert_eq!(
        r.originating_server.as_deref(),
        Some("AM0PR01MB1234 (15.20.7339.000)")
    );
    assert_eq!(
        r.aad_session_id.as_deref(),
        Some("7A1D9E2C-5B3F-4C6A-8E9D-0F1A2B3C4D5E")
    );
}

#[test]
fn escapes_non_ascii_and_affected_items() {
    let r = parsed("harddelete_escapes.json");
    assert_eq!(r.client_address.unwrap().to_string(), "10.1.2.3");
    assert_eq!(r.items.len(), 2);
    let first = &r.items[0];
    assert_eq!(first.role, ItemRole::Affected);
    assert_eq!(
        first.subject.as_deref(),
        Some("Café 日本語 💰 <script>alert(1)</script>")
    );
    assert_eq!(
        first.internet_message_id.as_deref(),
        Some("<C3@contoso.com>")
    );
    assert_eq!(first.folder.as_deref(), Some("\\Inbox\\Finanças"));
    assert_eq!(
        r.items[1].subject.as_deref(),
        Some("=HYPERLINK(\"http://x\",\"y\")")
    );
    assert!(r.detail().contains("Café"));
}

#[test]
fn admin_cmdlet_parameters() {
    let r = parsed("inbox_rule_parameters.json");
    assert_eq!(r.record_type_name.as_deref(), Some("ExchangeAdmin"));
    assert_eq!(r.user_type.as_deref(), Some("Admin"));
    assert_eq!(r.client_address.unwrap().to_string(), "185.73.124.140");
    assert_eq!(r.client_app_id, None, "empty strings read as absent");
    let names: Vec<_> = r.parameters.iter().map(|p| p.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "AlwaysDeleteOutlookRulesBlob",
            "Force",
            "MoveToFolder",
            "Name",
            "SubjectContainsWords",
            "StopProcessingRules"
        ]
    );
    assert_eq!(r.parameters[2].value, "RSS Feeds");
    assert!(r.detail().starts_with("Name=.."));
}

#[test]
fn pretty_printed_send_with_empty_app_context() {
    let r = parsed("send_pretty.json");
    assert_eq!(r.operation.as_deref(), Some("Send"));
    assert_eq!(r.client_address.unwrap().to_string(), "fe80::");
    assert_eq!(r.aad_session_id, None);
    assert_eq!(r.items.len(), 1);
    assert_eq!(r.items[0].role, ItemRole::Item);
    assert_eq!(r.items[0].subject.as_deref(), Some("Updated bank details"));
    assert_eq!(r.items[0].folder.as_deref(), Some("\\Drafts"));
}

#[test]
fn folder_and_dest_folder() {
    let r = parsed("move_destfolder.json");
    assert_eq!(r.logon_type, Some(LogonType::Delegate));
    assert_eq!(r.client_address, None, "host names have no address");
    assert_eq!(r.client_ip.as_deref(), Some("mail.contoso.com"));
    let roles: Vec<_> = r
        .items
        .iter()
        .map(|i| (i.role, i.folder.as_deref().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            (ItemRole::Affected, "\\Inbox"),
            (ItemRole::Folder, "\\Inbox"),
            (ItemRole::DestFolder, "\\Deleted Items")
        ]
    );
    assert_eq!(
        r.aad_session_id, None,
        "partial AppAccessContext without AADSessionId"
    );
}

#[test]
fn basic_auth_has_no_session_and_parameters_as_string() {
    let r = parsed("basic_auth_no_session.json");
    assert_eq!(r.session_id, None);
    assert_eq!(r.parameters.len(), 2);
    assert_eq!(r.parameters[1].value, "smtp:ext@evil.example");
    assert_eq!(
        r.originating_server.as_deref(),
        Some("AM0PR01MB9999 (15.20.7339.000)")
    );
}

#[test]
fn sign_in_carries_the_entra_session() {
    let r = parsed("signin_device_properties.json");
    assert_eq!(r.workload.as_deref(), Some("AzureActiveDirectory"));
    assert_eq!(
        r.record_type_name.as_deref(),
        Some("AzureActiveDirectoryStsLogon")
    );
    assert_eq!(
        r.aad_session_id.as_deref(),
        Some("7a1d9e2c-5b3f-4c6a-8e9d-0f1a2b3c4d5e")
    );
    assert_eq!(r.session_id, None);
    let padded = fixture("signin_device_properties.json")
        .replace("\"Value\":\"7a1d9e2c", "\"Value\":\"\\t 7a1d9e2c");
    assert!(padded.contains(r#"\t 7a1d9e2c"#), "the fixture was padded");
    let r = parse_record(&padded).unwrap();
    assert_eq!(
        r.aad_session_id.as_deref(),
        Some("7a1d9e2c-5b3f-4c6a-8e9d-0f1a2b3c4d5e")
    );
}

#[test]
fn sentinel_renamed_columns() {
    let r = parsed("sentinel_office_activity.json");
    assert_eq!(time(&r), "2026-03-02T07:50:00Z");
    assert_eq!(
        r.id.as_deref(),
        Some("1a2b3c4d-0000-4000-8000-000000000009")
    );
    assert_eq!(r.workload.as_deref(), Some("Exchange"));
    assert_eq!(r.record_type, Some(50));
    assert_eq!(r.user_id.as_deref(), Some("megan.bowen@contoso.com"));
    assert_eq!(r.client_address.unwrap().to_string(), "185.73.124.150");
    assert_eq!(r.logon_type, Some(LogonType::Owner));
    assert_eq!(r.folders[0].message_ids, ["<G7@contoso.com>"]);
}

#[test]
fn search_mailbox_audit_log_flat_record() {
    let r = parsed("mailbox_audit_flat.json");
    assert_eq!(time(&r), "2026-03-02T07:55:12Z");
    assert!(
        r.creation_time_ambiguous,
        "3/2 may be 3 February: read month first and say so"
    );
}

#[test]
fn flat_record_maps_into_the_same_shape() {
    let r = parsed("mailbox_audit_flat.json");
    assert_eq!(r.workload.as_deref(), Some("Exchange"));
    assert_eq!(r.result_status.as_deref(), Some("Succeeded"));
    assert_eq!(r.user_id.as_deref(), Some("megan.bowen@contoso.com"));
    assert_eq!(r.mail_access_type, Some(MailAccessType::Bind));
    assert_eq!(r.is_throttled, Some(false));
    assert_eq!(r.operation_count, Some(4));
    assert_eq!(r.client_address.unwrap().to_string(), "185.73.124.160");
    assert_eq!(r.folders.len(), 1);
    assert_eq!(r.folders[0].path.as_deref(), Some("\\Inbox"));
    assert_eq!(
        r.folders[0].message_ids,
        ["<H8@contoso.com>", "<I9@contoso.com>"]
    );
    assert!(
        r.items.is_empty(),
        "the folder is in Folders, not repeated as an item"
    );
}

#[test]
fn invalid_json_is_an_error_with_position() {
    let raw = fixture("invalid_unescaped_backslash.json");
    let e = parse_record(&raw).unwrap_err();
    assert!(
        e.message
            .starts_with("AuditData is not valid JSON: invalid escape"),
        "{e}"
    );
    assert_eq!(e.line, 1);
    assert!(e.column > 80, "{e}");
    assert!(e.to_string().contains("line 1, column"));
}

#[test]
fn bom_and_empty_objects() {
    let r = parsed("bom_prefixed.json");
    assert_eq!(r.operation.as_deref(), Some("UpdateInboxRules"));
    let r = parsed("empty_object.json");
    assert_eq!(r.creation_time, None);
    assert_eq!(r.id, None);
}

#[test]
fn non_objects_and_deep_nesting_are_errors_not_crashes() {
    for bad in ["", "[]", "42", "\"text\"", "{\"a\":1} trailing", "{\"a\":"] {
        assert!(parse_record(bad).is_err(), "{bad:?}");
    }
    // Deep nesting is skipped without recursion where the parser ignores it, and stops at
    // serde_json's depth limit where it reads: either way, no stack overflow.
    for field in [
        "x",
        "Folders",
        "AffectedItems",
        "Parameters",
        "AppAccessContext",
    ] {
        let deep = format!(
            "{{\"{field}\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let parsed = parse_record(&deep).map(|r| r.items.len() + r.folders.len());
        assert!(matches!(parsed, Ok(0)) || parsed.is_err(), "{field}");
        let deep_objects = format!(
            "{{\"{field}\":{}1{}}}",
            "{\"a\":".repeat(50_000),
            "}".repeat(50_000)
        );
        let parsed = parse_record(&deep_objects).map(|r| r.items.len() + r.folders.len());
        assert!(matches!(parsed, Ok(0)) || parsed.is_err(), "{field}");
    }
    let unbalanced = format!("{{\"x\":{}", "[".repeat(100_000));
    assert!(parse_record(&unbalanced).is_err());
}

#[test]
fn unexpected_shapes_read_as_absent() {
    let raw = r#"{"Id":7,"Operation":["x"],"AffectedItems":"not json","Folders":{"Path":"\\Inbox","FolderItems":"x"},"OperationProperties":12,"Parameters":{"Name":"n"},"AppAccessContext":[1],"CreationTime":"soon","OperationCount":-3,"ExternalAccess":"perhaps","LogonType":"Nobody"}"#;
    let r = parse_record(raw).unwrap();
    assert_eq!(r.id.as_deref(), Some("7"));
    assert_eq!(r.operation, None);
    assert!(r.items.is_empty());
    assert_eq!(r.folders.len(), 1);
    assert_eq!(r.folders[0].path.as_deref(), Some("\\Inbox"));
    assert_eq!(r.parameters.len(), 1);
    assert_eq!(r.creation_time, None);
    assert_eq!(r.operation_count, None);
    assert_eq!(r.external_access, None);
    assert_eq!(r.logon_type, None);
}
