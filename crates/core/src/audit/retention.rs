//! The audit log's retention sweep.

use crate::{Auth, AuthError};
use beep_store::repos::{audit_events, webhook_deliveries};

impl Auth {
    /// Deletes events past the retention period, and finished webhook deliveries older than
    /// 30 days (pending ones are never touched). Returns how many events went.
    pub async fn sweep_audit_log(&self) -> Result<u64, AuthError> {
        let conn = self.store().conn();
        let month_ago = self.now() - chrono::Duration::days(30);
        webhook_deliveries::delete_finished_before(conn, month_ago).await?;
        let Some(retention) = self.config().audit.retention else {
            return Ok(0);
        };
        Ok(audit_events::delete_before(conn, self.now() - retention).await?)
    }
}
