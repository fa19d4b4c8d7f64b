//! Roles and permissions, enforced in the core: every guarded operation calls
//! [`crate::Vault::require`], and a refusal is itself audited.

use serde::{Deserialize, Serialize};

use crate::{users::Role, ErrorCode, UserMessage};

/// What an operation needs. Later areas add their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create users, reset their passwords, deactivate them.
    ManageUsers,
    /// See the list of users and their roles.
    ViewUsers,
    /// Back up, restore, rotate the key, change the recovery passphrase.
    ManageVault,
    /// Run the integrity check.
    CheckVault,
    /// Read and verify the audit trail.
    ViewAudit,
    /// Export the audit trail.
    ExportAudit,
    /// Read the classification plan and the retention schedule, and export them.
    ViewPlan,
    /// Import the schedule, revise its rules, add, edit and retire classes.
    ManagePlan,
    /// Read the register and search it.
    ViewRegister,
    /// File, edit, close, reopen and reclassify files; import them; attach persons.
    ManageRegister,
    /// Reveal persons' identifiers (audited).
    RevealIdentifiers,
    /// Place and release legal holds.
    ManageHolds,
    /// Propose disposition batches and execute approved ones.
    ProposeDisposition,
    /// Approve or reject disposition batches another user proposed.
    ApproveDisposition,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ManageUsers => "manage_users",
            Permission::ViewUsers => "view_users",
            Permission::ManageVault => "manage_vault",
            Permission::CheckVault => "check_vault",
            Permission::ViewAudit => "view_audit",
            Permission::ExportAudit => "export_audit",
            Permission::ViewPlan => "view_plan",
            Permission::ManagePlan => "manage_plan",
            Permission::ViewRegister => "view_register",
            Permission::ManageRegister => "manage_register",
            Permission::RevealIdentifiers => "reveal_identifiers",
            Permission::ManageHolds => "manage_holds",
            Permission::ProposeDisposition => "propose_disposition",
            Permission::ApproveDisposition => "approve_disposition",
        }
    }
}

impl Role {
    /// The permissions a role grants. The auditor reads everything and changes nothing.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Administrator => &[
                ManageUsers,
                ViewUsers,
                ManageVault,
                CheckVault,
                ViewAudit,
                ExportAudit,
                ViewPlan,
                ManagePlan,
                ViewRegister,
                ManageRegister,
                RevealIdentifiers,
                ManageHolds,
                ProposeDisposition,
                ApproveDisposition,
            ],
            Role::Auditor => &[ViewUsers, CheckVault, ViewAudit, ExportAudit, ViewPlan, ViewRegister],
            Role::Archivist => &[
                ViewPlan,
                ManagePlan,
                ViewRegister,
                ManageRegister,
                RevealIdentifiers,
                ManageHolds,
                ProposeDisposition,
                ApproveDisposition,
            ],
            Role::AccessOfficer => &[ViewPlan, ViewRegister, RevealIdentifiers, ManageHolds],
            Role::Clerk => &[ViewPlan, ViewRegister, ManageRegister],
        }
    }

    pub fn grants(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessError {
    #[error("Permission denied: this needs the \"{}\" permission, which the {} role does not have. Ask an administrator.", permission.as_str(), role.label(crate::Lang::En))]
    Denied { permission: Permission, role: Role },
}

impl UserMessage for AccessError {
    fn code(&self) -> ErrorCode {
        ErrorCode::PermissionDenied
    }
    fn french(&self) -> String {
        match self {
            AccessError::Denied { permission, role } => format!(
                "Permission refusée : il faut la permission « {} », que le rôle {} n'a pas. Adressez-vous à un administrateur.",
                permission.as_str(),
                role.label(crate::Lang::Fr)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_administrators_manage_and_auditors_only_read() {
        for role in Role::ALL {
            let manages = role.grants(Permission::ManageUsers) || role.grants(Permission::ManageVault);
            assert_eq!(manages, role == Role::Administrator, "{role:?}");
        }
        assert!(Role::Auditor.grants(Permission::ViewAudit));
        assert!(Role::Auditor.grants(Permission::ExportAudit));
        assert!(!Role::Clerk.grants(Permission::ViewAudit));
    }

    #[test]
    fn everyone_reads_the_plan_and_only_archivists_and_administrators_change_it() {
        for role in Role::ALL {
            assert!(role.grants(Permission::ViewPlan), "{role:?} reads the plan");
            let manages = matches!(role, Role::Administrator | Role::Archivist);
            assert_eq!(role.grants(Permission::ManagePlan), manages, "{role:?}");
        }
    }
}
