// French catalogue: the reference. Its keys and placeholders define every other catalogue
// (`en.ts` is checked against `Catalogue` below). Quebec usage: « » quotes, non-breaking
// space before the colon, typographic apostrophe.
export const fr = {
  'app.name': 'Greffier',
  'app.versionLine': 'Greffier {version}',
  'app.offline': 'Hors ligne : aucune donnée ne quitte ce poste',

  'header.organisationLabel': 'Organisme',
  'header.noVault': 'Aucun coffre',
  'header.vaultLocked': 'Coffre verrouillé',
  'header.statusUnknown': 'État inconnu',

  'lang.groupLabel': 'Langue de l’interface',
  'lang.fr.short': 'FR',
  'lang.fr.name': 'Français',
  'lang.en.short': 'EN',
  'lang.en.name': 'English',

  'nav.label': 'Navigation principale',
  'nav.group.records': 'Documents',
  'nav.group.privacy': 'Accès et protection',
  'nav.group.oversight': 'Contrôle',
  'nav.home': 'Accueil',
  'nav.plan': 'Plan de classification',
  'nav.register': 'Registre',
  'nav.calendar': 'Calendrier',
  'nav.requests': 'Demandes',
  'nav.incidents': 'Incidents',
  'nav.audit': 'Audit',
  'nav.settings': 'Paramètres',
  'nav.soonBadge': 'Bientôt',
  'nav.unavailable': '{area} : bientôt disponible',
  'nav.shortcutHint': 'Raccourci : {keys}',
  'nav.soonWithShortcut': 'Bientôt disponible — raccourci : {keys}',

  'shortcuts.title': 'Raccourcis clavier',
  'shortcuts.altDigit': 'Alt+{digit}',
  'shortcuts.settings': 'Ctrl+,',
  'shortcuts.intro':
    'Alt+1 à Alt+7 mènent aux sections de la navigation, dans l’ordre, et Ctrl+virgule ouvre les paramètres. Une section à venir annonce simplement qu’elle n’est pas encore disponible.',

  'status.title': 'État de l’application',
  'status.summary': 'Ce que Greffier sait de ce poste et de son coffre chiffré.',
  'status.loading': 'Lecture de l’état…',
  'status.refresh': 'Actualiser',
  'status.version': 'Version',
  'status.vaultDir': 'Dossier du coffre',
  'status.vaultState': 'État du coffre',
  'status.vault.none': 'Aucun coffre',
  'status.vault.locked': 'Verrouillé',
  'status.vault.unlocked': 'Déverrouillé',
  'status.keyring': 'Trousseau de clés',
  'status.keyring.osStore': 'Trousseau du système d’exploitation',
  'status.keyring.noOsStore': 'Pas de trousseau système : la phrase de récupération ouvre le coffre',
  'status.sqlcipher': 'Version de SQLCipher',
  'status.notAvailable': 'Non disponible',
  'status.errorTitle': 'Impossible de lire l’état de l’application',
  'status.errorCode': 'Code : {code}',
  'status.retry': 'Réessayer',

  'errors.ipcUnavailable':
    'Le noyau de Greffier est injoignable : cette page s’exécute hors de l’application de bureau.',
  'errors.unexpected': 'Erreur inattendue : {detail}',
} as const;

/** Every message key, e.g. `'status.title'`. */
export type MessageKey = keyof typeof fr;

/** The shape every catalogue must have: exactly the French keys, each a string. */
export type Catalogue = Readonly<Record<MessageKey, string>>;
