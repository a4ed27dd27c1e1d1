//! Queueing mail: a flow renders a template and writes the sealed mail into the outbox inside
//! its own transaction, so the mail goes out if and only if the flow commits.

use crate::Auth;
use beep_domain::{Audit, Email, OutboxMail, OutboxMailId, OutboxStatus, UserId};
use beep_email::{Template, Vars};
use beep_store::repos::outbox;
use beep_store::{ConnectionTrait, StoreError, WriteTx};
use serde::{Deserialize, Serialize};

/// The purpose the outbox's sealing key is derived for.
pub(crate) const OUTBOX_PURPOSE: &str = "outbox-mail-body";

/// The sealed part of a queued mail.
#[derive(Serialize, Deserialize)]
pub(crate) struct SealedBody {
    pub text: String,
    pub html: String,
}

impl Auth {
    /// Renders `template` for `to` and queues it in `conn`'s transaction; commit it with
    /// [`Auth::commit_with_mail`].
    pub(crate) async fn queue_mail(
        &self,
        conn: &impl ConnectionTrait,
        template: Template,
        to: &Email,
        mut vars: Vars,
        actor: Option<&UserId>,
    ) -> Result<(), StoreError> {
        vars.email.get_or_insert_with(|| to.as_str().to_owned());
        let content = self.templates().render(template, &vars);
        let body = SealedBody {
            text: content.text,
            html: content.html,
        };
        let plain = serde_json::to_vec(&body).map_err(|e| StoreError::Database(e.to_string()))?;
        let now = self.now();
        let mail = OutboxMail {
            id: OutboxMailId::generate(),
            template: template.name().to_owned(),
            recipient: to.as_str().to_owned(),
            subject: content.subject,
            sealed_body: Some(self.outbox_key().seal(&plain)),
            status: OutboxStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            lease_owner: None,
            lease_until: None,
            last_error: None,
            sent_at: None,
            audit: Audit::created(now, actor.map(UserId::as_str)),
        };
        outbox::insert(conn, &mail).await
    }

    /// Whether one more mail of these kinds may go to `to` now: at most
    /// `email.recipient_limit` per `email.recipient_window`, counted in the outbox so every
    /// node sees the same count. Over the limit, flows answer as usual and send nothing.
    pub(crate) async fn may_mail(
        &self,
        conn: &impl ConnectionTrait,
        to: &Email,
        templates: &[Template],
    ) -> Result<bool, StoreError> {
        let names: Vec<&str> = templates.iter().map(|t| t.name()).collect();
        let since = self.now() - self.config().email.recipient_window;
        let sent = outbox::count_recent(conn, to.as_str(), &names, since).await?;
        let allowed = sent < self.config().email.recipient_limit;
        if !allowed {
            tracing::info!(
                template = names.first().copied().unwrap_or(""),
                "mail to one recipient throttled"
            );
        }
        Ok(allowed)
    }

    /// Commits a transaction that queued mail, then wakes this node's outbox worker (woken
    /// before the commit, it would find nothing and wait for the next poll).
    pub(crate) async fn commit_with_mail(&self, tx: WriteTx) -> Result<(), StoreError> {
        tx.commit().await?;
        self.outbox_signal().notify_one();
        Ok(())
    }

    /// Answers no sooner than the enumeration floor after `started`, so a route's timing does
    /// not tell whether an address has an account.
    pub(crate) async fn pad_to_floor(&self, started: tokio::time::Instant) {
        tokio::time::sleep_until(started + self.config().email.enumeration_floor).await;
    }
}
