//! The audit trail: an append-only, hash-chained list of events, each signed with the acting
//! user's own Ed25519 key. An event's details (before/after) are sealed under a key of their own
//! and the chain holds only an HMAC commitment to them, so erasing the details of a destroyed
//! record leaves a chain that still verifies while nothing of them can be guessed.

use std::{collections::HashMap, io::Write};

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::{clock::stamp, crypto, Error, ErrorCode, UserMessage};

/// What happened. Stored as text (`vault.create`…), so later issues add actions freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    VaultCreate,
    VaultBackup,
    VaultRestore,
    VaultRekey,
    VaultPassphraseChange,
    VaultCheck,
    SignIn,
    SignInFailed,
    UserCreate,
    UserPasswordReset,
    UserPasswordChange,
    UserDeactivate,
    UserReactivate,
    AccessDenied,
    AuditVerify,
    AuditExport,
    SettingChange,
    PlanImport,
    PlanExport,
    RuleRevise,
    ClassCreate,
    ClassUpdate,
    ClassRetire,
    ClassReactivate,
    ClassMove,
    ProjectCreate,
    ProjectUpdate,
    ProjectClose,
    ProjectReopen,
    ProjectOverrideAdd,
    ProjectOverrideWithdraw,
    FileCreate,
    FileUpdate,
    FileReclassify,
    FileClose,
    FileReopen,
    PersonCreate,
    PersonLink,
    PersonEdit,
    PersonUnlink,
    PersonReveal,
    RegisterImport,
    RegisterExport,
    SearchReindex,
    HoldPlace,
    HoldRelease,
    DispositionPropose,
    DispositionApprove,
    DispositionReject,
    DispositionExecute,
    DispositionReplay,
    DueRecompute,
    DueExport,
    ReviewDecision,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::VaultCreate => "vault.create",
            AuditAction::VaultBackup => "vault.backup",
            AuditAction::VaultRestore => "vault.restore",
            AuditAction::VaultRekey => "vault.rekey",
            AuditAction::VaultPassphraseChange => "vault.passphrase_change",
            AuditAction::VaultCheck => "vault.check",
            AuditAction::SignIn => "auth.sign_in",
            AuditAction::SignInFailed => "auth.sign_in_failed",
            AuditAction::UserCreate => "user.create",
            AuditAction::UserPasswordReset => "user.password_reset",
            AuditAction::UserPasswordChange => "user.password_change",
            AuditAction::UserDeactivate => "user.deactivate",
            AuditAction::UserReactivate => "user.reactivate",
            AuditAction::AccessDenied => "access.denied",
            AuditAction::AuditVerify => "audit.verify",
            AuditAction::AuditExport => "audit.export",
            AuditAction::SettingChange => "setting.change",
            AuditAction::PlanImport => "plan.import",
            AuditAction::PlanExport => "plan.export",
            AuditAction::RuleRevise => "plan.rule_revise",
            AuditAction::ClassCreate => "plan.class_create",
            AuditAction::ClassUpdate => "plan.class_update",
            AuditAction::ClassRetire => "plan.class_retire",
            AuditAction::ClassReactivate => "plan.class_reactivate",
            AuditAction::ClassMove => "plan.class_move",
            AuditAction::ProjectCreate => "project.create",
            AuditAction::ProjectUpdate => "project.update",
            AuditAction::ProjectClose => "project.close",
            AuditAction::ProjectReopen => "project.reopen",
            AuditAction::ProjectOverrideAdd => "project.override_add",
            AuditAction::ProjectOverrideWithdraw => "project.override_withdraw",
            AuditAction::FileCreate => "file.create",
            AuditAction::FileUpdate => "file.update",
            AuditAction::FileReclassify => "file.reclassify",
            AuditAction::FileClose => "file.close",
            AuditAction::FileReopen => "file.reopen",
            AuditAction::PersonCreate => "person.create",
            AuditAction::PersonLink => "person.link",
            AuditAction::PersonEdit => "person.edit",
            AuditAction::PersonUnlink => "person.unlink",
            AuditAction::PersonReveal => "person.reveal_identifiers",
            AuditAction::RegisterImport => "register.import",
            AuditAction::RegisterExport => "register.export",
            AuditAction::SearchReindex => "search.reindex",
            AuditAction::HoldPlace => "hold.place",
            AuditAction::HoldRelease => "hold.release",
            AuditAction::DispositionPropose => "disposition.propose",
            AuditAction::DispositionApprove => "disposition.approve",
            AuditAction::DispositionReject => "disposition.reject",
            AuditAction::DispositionExecute => "disposition.execute",
            AuditAction::DispositionReplay => "disposition.replay",
            AuditAction::DueRecompute => "plan.due_recompute",
            AuditAction::DueExport => "due.export",
            AuditAction::ReviewDecision => "file.review_decision",
        }
    }
}

/// Who signs an event.
pub(crate) enum Signer<'a> {
    /// A signed-in user, with the key unwrapped by their password.
    User { id: i64, name: &'a str, key: &'a SigningKey },
    /// The vault itself, for events no signed-in user causes (a failed sign-in).
    System { key: SigningKey },
}

impl Signer<'_> {
    fn key(&self) -> &SigningKey {
        match self {
            Signer::User { key, .. } => key,
            Signer::System { key } => key,
        }
    }
}

/// An event about to be appended.
pub(crate) struct NewEvent {
    pub action: AuditAction,
    pub object_type: &'static str,
    pub object_id: String,
    pub details: Option<serde_json::Value>,
    /// A user's new public key, for the events that give a user a key (creation, reset).
    pub introduced_key: Option<[u8; 32]>,
}

impl NewEvent {
    pub fn new(action: AuditAction, object_type: &'static str, object_id: impl Into<String>) -> NewEvent {
        NewEvent { action, object_type, object_id: object_id.into(), details: None, introduced_key: None }
    }
    pub fn details(mut self, details: serde_json::Value) -> NewEvent {
        self.details = Some(details);
        self
    }
    pub fn introducing(mut self, key: [u8; 32]) -> NewEvent {
        self.introduced_key = Some(key);
        self
    }
}

/// The end of the chain: printed on backups, exports and certificates so a rollback shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
}

impl std::fmt::Display for ChainHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{} {}", self.seq, self.hash)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("The details of audit event #{seq} do not match the chain's commitment: they were altered. Run `greffier audit verify` and report the incident.")]
    DetailsAltered { seq: u64 },
}

impl UserMessage for AuditError {
    fn code(&self) -> ErrorCode {
        ErrorCode::AuditDetailsDamaged
    }
    fn french(&self) -> String {
        match self {
            AuditError::DetailsAltered { seq } => format!("Les détails de l'événement d'audit n° {seq} ne correspondent pas à l'engagement de la chaîne : ils ont été modifiés. Lancez `greffier audit verify` et signalez l'incident."),
        }
    }
}

/// The stored columns of one event.
#[derive(Debug, Clone)]
struct EventRow {
    seq: u64,
    at: String,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    details_commitment: Option<Vec<u8>>,
    introduced_key: Option<Vec<u8>>,
    signer_key: Vec<u8>,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
    signature: Vec<u8>,
}

const EVENT_COLUMNS: &str = "seq, at, actor_id, actor, action, object_type, object_id, details_commitment, introduced_key, signer_key, prev_hash, hash, signature";

impl EventRow {
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
        Ok(EventRow {
            seq: row.get(0)?,
            at: row.get(1)?,
            actor_id: row.get(2)?,
            actor: row.get(3)?,
            action: row.get(4)?,
            object_type: row.get(5)?,
            object_id: row.get(6)?,
            details_commitment: row.get(7)?,
            introduced_key: row.get(8)?,
            signer_key: row.get(9)?,
            prev_hash: row.get(10)?,
            hash: row.get(11)?,
            signature: row.get(12)?,
        })
    }

    /// The bytes the hash covers: every column but the hash and signature, each length-prefixed
    /// so that no two different events encode alike.
    fn canonical(&self) -> Vec<u8> {
        fn field(buf: &mut Vec<u8>, bytes: Option<&[u8]>) {
            match bytes {
                None => buf.push(0),
                Some(bytes) => {
                    buf.push(1);
                    buf.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
                    buf.extend_from_slice(bytes);
                }
            }
        }
        let mut buf = b"greffier-audit-v1".to_vec();
        buf.extend_from_slice(&self.seq.to_be_bytes());
        field(&mut buf, Some(self.at.as_bytes()));
        field(&mut buf, self.actor_id.map(|id| id.to_be_bytes()).as_ref().map(|b| &b[..]));
        field(&mut buf, Some(self.actor.as_bytes()));
        field(&mut buf, Some(self.action.as_bytes()));
        field(&mut buf, Some(self.object_type.as_bytes()));
        field(&mut buf, Some(self.object_id.as_bytes()));
        field(&mut buf, self.details_commitment.as_deref());
        field(&mut buf, self.introduced_key.as_deref());
        field(&mut buf, Some(&self.signer_key));
        field(&mut buf, Some(&self.prev_hash));
        buf
    }
}

pub(crate) const GENESIS_HASH: [u8; 32] = [0; 32];

/// The chain head as recorded in `vault_meta`.
pub(crate) fn recorded_head(conn: &Connection) -> rusqlite::Result<(u64, Vec<u8>)> {
    conn.query_row("SELECT head_seq, head_hash FROM vault_meta WHERE id = 1", [], |row| Ok((row.get(0)?, row.get(1)?)))
}

pub(crate) fn head(conn: &Connection) -> Result<ChainHead, Error> {
    let (seq, hash) = recorded_head(conn)?;
    Ok(ChainHead { seq, hash: hex::encode(hash) })
}

/// Appends one event. Call it inside the transaction of the change it records, so both commit
/// or neither does.
pub(crate) fn append(conn: &Connection, signer: &Signer<'_>, event: NewEvent, at: DateTime<Utc>) -> Result<u64, Error> {
    let (head_seq, head_hash) = recorded_head(conn)?;
    // Never reuse a number, even if the table was tampered with past the recorded head.
    let max_seq: u64 = conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_events", [], |row| row.get(0))?;
    let seq = head_seq.max(max_seq) + 1;
    let sealed_details = event.details.as_ref().map(|details| {
        let plain = serde_json::to_vec(details).unwrap_or_default();
        let event_key = crypto::random_bytes::<32>();
        let commitment = crypto::hmac_sha256(&event_key, &plain);
        let sealed = crypto::seal(&event_key, &plain);
        (event_key, commitment, sealed)
    });
    let (actor_id, actor) = match signer {
        Signer::User { id, name, .. } => (Some(*id), (*name).to_owned()),
        Signer::System { .. } => (None, "system".to_owned()),
    };
    let mut row = EventRow {
        seq,
        at: stamp(at),
        actor_id,
        actor,
        action: event.action.as_str().to_owned(),
        object_type: event.object_type.to_owned(),
        object_id: event.object_id,
        details_commitment: sealed_details.as_ref().map(|(_, commitment, _)| commitment.to_vec()),
        introduced_key: event.introduced_key.map(|k| k.to_vec()),
        signer_key: signer.key().verifying_key().to_bytes().to_vec(),
        prev_hash: head_hash,
        hash: Vec::new(),
        signature: Vec::new(),
    };
    let hash = crypto::sha256(&row.canonical());
    row.signature = signer.key().sign(&hash).to_bytes().to_vec();
    row.hash = hash.to_vec();
    conn.execute(
        &format!("INSERT INTO audit_events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
        params![
            row.seq, row.at, row.actor_id, row.actor, row.action, row.object_type, row.object_id,
            row.details_commitment, row.introduced_key, row.signer_key, row.prev_hash, row.hash, row.signature
        ],
    )?;
    if let Some((event_key, _, sealed)) = sealed_details {
        conn.execute(
            "INSERT INTO audit_details (seq, event_key, nonce, ciphertext) VALUES (?1, ?2, ?3, ?4)",
            params![seq, event_key.to_vec(), sealed.nonce.to_vec(), sealed.ciphertext],
        )?;
    }
    conn.execute("UPDATE vault_meta SET head_seq = ?1, head_hash = ?2 WHERE id = 1", params![seq, row.hash])?;
    Ok(seq)
}

/// The details of an event: `Ok(None)` when it had none or they were erased.
pub(crate) fn details(conn: &Connection, seq: u64) -> Result<Option<serde_json::Value>, Error> {
    let commitment: Option<Vec<u8>> = conn
        .query_row("SELECT details_commitment FROM audit_events WHERE seq = ?1", [seq], |row| row.get(0))
        .optional()?
        .flatten();
    let Some(commitment) = commitment else {
        return Ok(None);
    };
    match open_details(conn, seq, &commitment)? {
        DetailsState::Present(value) => Ok(Some(value)),
        DetailsState::Erased => Ok(None),
        DetailsState::Altered => Err(AuditError::DetailsAltered { seq }.into()),
    }
}

enum DetailsState {
    Present(serde_json::Value),
    Erased,
    Altered,
}

fn open_details(conn: &Connection, seq: u64, commitment: &[u8]) -> Result<DetailsState, Error> {
    // Anything but three blobs was put there by hand.
    let blob = |row: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<Option<Vec<u8>>> {
        Ok(match row.get_ref(i)? {
            rusqlite::types::ValueRef::Blob(bytes) => Some(bytes.to_vec()),
            _ => None,
        })
    };
    let stored = conn
        .query_row("SELECT event_key, nonce, ciphertext FROM audit_details WHERE seq = ?1", [seq], |row| {
            Ok((blob(row, 0)?, blob(row, 1)?, blob(row, 2)?))
        })
        .optional()?;
    let Some(stored) = stored else {
        return Ok(DetailsState::Erased);
    };
    let (Some(event_key), Some(nonce), Some(ciphertext)) = stored else {
        return Ok(DetailsState::Altered);
    };
    let Ok(event_key) = <[u8; 32]>::try_from(event_key.as_slice()) else {
        return Ok(DetailsState::Altered);
    };
    let Ok(plain) = crypto::open(&event_key, &nonce, &ciphertext) else {
        return Ok(DetailsState::Altered);
    };
    if crypto::hmac_sha256(&event_key, &plain).as_slice() != commitment {
        return Ok(DetailsState::Altered);
    }
    match serde_json::from_slice(&plain) {
        Ok(value) => Ok(DetailsState::Present(value)),
        Err(_) => Ok(DetailsState::Altered),
    }
}

/// Erases the details of events (when the record they describe is destroyed): their key and
/// ciphertext go, their commitment stays in the chain.
pub(crate) fn erase_details(conn: &Connection, seqs: &[u64]) -> Result<usize, Error> {
    let mut erased = 0;
    for seq in seqs {
        erased += conn.execute("DELETE FROM audit_details WHERE seq = ?1", [seq])?;
    }
    Ok(erased)
}

/// Why verification stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainFault {
    /// An event is missing: the numbering jumps.
    Missing,
    /// The event's content does not match its hash: it was edited.
    Edited,
    /// The event does not follow the one before it: inserted, removed or moved.
    OutOfPlace,
    /// The signature does not verify with the signer's key.
    BadSignature,
    /// The event is signed by a key that was not its actor's at that point of the chain.
    WrongSigner,
    /// The event's details do not match the chain's commitment.
    DetailsAltered,
    /// Events were removed from the end: the chain stops before the head the vault recorded.
    Truncated,
}

impl ChainFault {
    pub fn describe(self, lang: crate::Lang) -> &'static str {
        match self {
            ChainFault::Missing => lang.pick("événement manquant (suppression)", "event missing (deleted)"),
            ChainFault::Edited => lang.pick("contenu modifié", "content edited"),
            ChainFault::OutOfPlace => {
                lang.pick("hors de sa place (inséré, supprimé ou déplacé)", "out of place (inserted, deleted or moved)")
            }
            ChainFault::BadSignature => lang.pick("signature invalide", "bad signature"),
            ChainFault::WrongSigner => lang.pick(
                "signé par une clé qui n'était pas celle de l'auteur",
                "signed by a key that was not its actor's",
            ),
            ChainFault::DetailsAltered => lang.pick("détails modifiés", "details altered"),
            ChainFault::Truncated => lang.pick("fin de la chaîne supprimée", "end of the chain removed"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainProblem {
    /// The first sequence number that does not verify.
    pub seq: u64,
    pub fault: ChainFault,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReport {
    /// Events read.
    pub events: u64,
    pub head: Option<ChainHead>,
    /// Events signed by the vault's system key rather than by a user.
    pub system_signed: u64,
    /// Events whose details were erased (destroyed records); their commitments still verify.
    pub erased_details: u64,
    pub problem: Option<ChainProblem>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Walks the whole chain: numbering, hashes, links, signatures, signers' keys, details.
/// Stops at the first fault and names its sequence number.
pub(crate) fn verify(conn: &Connection) -> Result<VerifyReport, Error> {
    let system_key: Vec<u8> =
        conn.query_row("SELECT system_public_key FROM vault_meta WHERE id = 1", [], |row| row.get(0))?;
    let (recorded_seq, recorded_hash) = recorded_head(conn)?;
    let mut report = VerifyReport { events: 0, head: None, system_signed: 0, erased_details: 0, problem: None };
    let mut keys: HashMap<i64, Vec<u8>> = HashMap::new();
    let mut previous: (u64, Vec<u8>) = (0, GENESIS_HASH.to_vec());
    let mut stmt = conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM audit_events ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let fail = |report: &mut VerifyReport, seq: u64, fault: ChainFault| {
        report.problem = Some(ChainProblem { seq, fault });
    };
    while let Some(row) = rows.next()? {
        report.events += 1;
        // A column of the wrong type was written by hand.
        let Ok(event) = EventRow::from_row(row) else {
            fail(&mut report, row.get::<_, u64>(0).unwrap_or(previous.0 + 1), ChainFault::Edited);
            return Ok(report);
        };
        if event.seq != previous.0 + 1 {
            fail(&mut report, previous.0 + 1, ChainFault::Missing);
            return Ok(report);
        }
        let canonical = event.canonical();
        if crypto::sha256(&canonical).as_slice() != event.hash.as_slice() {
            fail(&mut report, event.seq, ChainFault::Edited);
            return Ok(report);
        }
        if event.prev_hash != previous.1 {
            fail(&mut report, event.seq, ChainFault::OutOfPlace);
            return Ok(report);
        }
        let signature_ok = VerifyingKey::try_from(event.signer_key.as_slice())
            .ok()
            .zip(Signature::from_slice(&event.signature).ok())
            .is_some_and(|(key, signature)| key.verify(&event.hash, &signature).is_ok());
        if !signature_ok {
            fail(&mut report, event.seq, ChainFault::BadSignature);
            return Ok(report);
        }
        // A key enters the chain in the first event (the first administrator's, self-introduced at
        // the vault's creation) or in an event signed by another, established user.
        if let Some(introduced) = &event.introduced_key {
            let subject = if event.seq == 1 {
                event.actor_id
            } else {
                event.object_id.parse::<i64>().ok().filter(|_| event.object_type == "user")
            };
            let Some(subject) = subject else {
                fail(&mut report, event.seq, ChainFault::WrongSigner);
                return Ok(report);
            };
            // A self-introduction after the first event, or one signed by the vault's system key
            // (which any key holder can use), would let a key holder act as that user.
            if event.seq != 1 && (event.actor_id == Some(subject) || event.actor_id.is_none()) {
                fail(&mut report, event.seq, ChainFault::WrongSigner);
                return Ok(report);
            }
            keys.insert(subject, introduced.clone());
        }
        let expected = match event.actor_id {
            Some(actor) => keys.get(&actor),
            None => {
                report.system_signed += 1;
                Some(&system_key)
            }
        };
        if expected != Some(&event.signer_key) {
            fail(&mut report, event.seq, ChainFault::WrongSigner);
            return Ok(report);
        }
        if let Some(commitment) = &event.details_commitment {
            match open_details(conn, event.seq, commitment)? {
                DetailsState::Present(_) => {}
                DetailsState::Erased => report.erased_details += 1,
                DetailsState::Altered => {
                    fail(&mut report, event.seq, ChainFault::DetailsAltered);
                    return Ok(report);
                }
            }
        }
        previous = (event.seq, event.hash);
    }
    if previous.0 != recorded_seq || previous.1 != recorded_hash {
        fail(&mut report, previous.0 + 1, ChainFault::Truncated);
        return Ok(report);
    }
    if previous.0 > 0 {
        report.head = Some(ChainHead { seq: previous.0, hash: hex::encode(&previous.1) });
    }
    Ok(report)
}

/// One event as people read it (exports, the audit screen).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub seq: u64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// `None` when the event had no details; `Some("erased")`-like text is never invented:
    /// erased details are reported in `details_erased`.
    pub details: Option<serde_json::Value>,
    pub details_erased: bool,
    pub hash: String,
}

/// Writes the whole trail as CSV (one row per event, details as JSON).
pub(crate) fn export_csv(conn: &Connection, out: &mut dyn Write) -> Result<u64, Error> {
    let mut writer = csv::Writer::from_writer(out);
    let io = |e: csv::Error| -> Error {
        crate::IoError::new("write", "the audit export", std::io::Error::other(e.to_string())).into()
    };
    writer
        .write_record([
            "seq",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "details",
            "hash",
            "prev_hash",
            "signer_key",
        ])
        .map_err(io)?;
    let mut stmt = conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM audit_events ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let event = EventRow::from_row(row)?;
        let details = match &event.details_commitment {
            None => String::new(),
            Some(commitment) => match open_details(conn, event.seq, commitment)? {
                DetailsState::Present(value) => value.to_string(),
                DetailsState::Erased => "(erased)".to_owned(),
                DetailsState::Altered => "(altered)".to_owned(),
            },
        };
        writer
            .write_record([
                event.seq.to_string(),
                event.at,
                event.actor,
                event.action,
                event.object_type,
                event.object_id,
                details,
                hex::encode(&event.hash),
                hex::encode(&event.prev_hash),
                hex::encode(&event.signer_key),
            ])
            .map_err(io)?;
        count += 1;
    }
    writer.flush().map_err(|e| Error::from(crate::IoError::new("write", "the audit export", e)))?;
    Ok(count)
}

/// The most recent events, newest first.
pub(crate) fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>, Error> {
    let mut stmt = conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT ?1"))?;
    let rows = stmt.query_map([limit], EventRow::from_row)?;
    let mut entries = Vec::new();
    for row in rows {
        let event = row?;
        let (details, details_erased) = match &event.details_commitment {
            None => (None, false),
            Some(commitment) => match open_details(conn, event.seq, commitment)? {
                DetailsState::Present(value) => (Some(value), false),
                DetailsState::Erased => (None, true),
                DetailsState::Altered => return Err(AuditError::DetailsAltered { seq: event.seq }.into()),
            },
        };
        entries.push(AuditEntry {
            seq: event.seq,
            at: event.at,
            actor: event.actor,
            action: event.action,
            object_type: event.object_type,
            object_id: event.object_id,
            details,
            details_erased,
            hash: hex::encode(&event.hash),
        });
    }
    Ok(entries)
}
