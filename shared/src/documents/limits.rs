//! How large files may be: one file, and all of a dossier's files together.

use super::{FileRef, FileRefusal};

/// The caps on files (ops change them: `MOTCUA_MAX_FILE_MB`, `MOTCUA_MAX_DOSSIER_MB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    pub per_file: u64,
    pub per_dossier: u64,
}

pub const MB: u64 = 1024 * 1024;

impl Default for FileLimits {
    fn default() -> Self {
        Self { per_file: 20 * MB, per_dossier: 100 * MB }
    }
}

impl FileLimits {
    /// Checks a file's announced size.
    pub fn check_file(&self, size: u64) -> Result<(), FileRefusal> {
        match size {
            0 => Err(FileRefusal::Empty),
            s if s > self.per_file => Err(FileRefusal::TooLarge { max: self.per_file }),
            _ => Ok(()),
        }
    }

    /// Checks that `adding` fits beside the files a dossier already holds.
    pub fn check_dossier<'a>(
        &self,
        held: impl IntoIterator<Item = &'a FileRef>,
        adding: impl IntoIterator<Item = &'a FileRef>,
    ) -> Result<(), FileRefusal> {
        let total: u64 = held.into_iter().chain(adding).map(|f| f.size).sum();
        if total > self.per_dossier {
            return Err(FileRefusal::DossierTooLarge { max: self.per_dossier });
        }
        Ok(())
    }
}
