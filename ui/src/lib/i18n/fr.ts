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
  'header.signOut': 'Se déconnecter',
  'header.signedOut': 'Vous êtes déconnecté.',
  'header.lock': 'Verrouiller',
  'header.lockHint': 'Fermer le coffre : il faudra le déverrouiller et se reconnecter',

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
  'shortcuts.escape': 'Échap',
  'shortcuts.escapeText': 'Ferme la boîte de dialogue ouverte',

  'status.loading': 'Lecture de l’état…',
  'status.version': 'Version',
  'status.vaultDir': 'Dossier du coffre',
  'status.vaultState': 'État du coffre',
  'status.vault.unlocked': 'Déverrouillé',
  'status.keyring': 'Trousseau de clés',
  'status.keyring.osStore': 'Trousseau du système d’exploitation',
  'status.keyring.noOsStore':
    'Pas de trousseau système : la phrase de récupération ouvre le coffre',
  'status.sqlcipher': 'Version de SQLCipher',
  'status.notAvailable': 'Non disponible',
  'status.errorTitle': 'Impossible de lire l’état de l’application',
  'status.errorCode': 'Code : {code}',
  'status.retry': 'Réessayer',

  'errors.ipcUnavailable':
    'Le noyau de Greffier est injoignable : cette page s’exécute hors de l’application de bureau.',
  'errors.unexpected': 'Erreur inattendue : {detail}',

  'form.optional': 'facultatif',
  'form.show': 'Afficher',
  'form.hide': 'Masquer',

  'dialog.close': 'Fermer',
  'dialog.closeHint': 'Fermer (Échap)',
  'dialog.cancel': 'Annuler',

  'file.browse': 'Parcourir…',

  'job.cancel': 'Annuler',
  'job.cancelling': 'Annulation…',

  'validation.required': 'Ce champ est obligatoire.',
  'validation.usernameFormat':
    'De {min} à {max} caractères : lettres, chiffres, point, trait d’union ou soulignement, sans espace.',
  'validation.passwordTooShort':
    'Au moins {min} caractères. Une courte phrase se retient mieux qu’un mot compliqué.',
  'validation.passwordMismatch': 'Les deux mots de passe diffèrent. Saisissez-le de nouveau.',
  'validation.passphraseTooShort':
    'Au moins {min} caractères : plusieurs mots séparés par des espaces conviennent bien.',
  'validation.passphraseIsPassword':
    'Choisissez une phrase différente du mot de passe de l’administrateur : elle doit pouvoir servir sans lui.',
  'validation.passphraseMismatch':
    'Ce n’est pas la même phrase. Vérifiez les espaces, les majuscules et les accents.',
  'validation.passphraseUnchanged': 'La nouvelle phrase doit être différente de l’actuelle.',
  'validation.storedRequired':
    'Cochez cette case une fois la phrase mise en lieu sûr : sans elle, un coffre dont la clé est perdue ne peut plus être ouvert.',
  'validation.idleMinutes': 'Un nombre entier de minutes, de 0 (jamais) à {max}.',

  'user.username': 'Nom d’utilisateur',
  'user.usernameHint': '2 à 64 lettres ou chiffres, et . - _',
  'user.displayName': 'Nom complet',
  'user.role': 'Rôle',
  'user.password': 'Mot de passe',
  'user.passwordConfirm': 'Confirmer le mot de passe',
  'user.passwordHint': 'Au moins {min} caractères.',

  'role.administrator': 'Administrateur',
  'role.archivist': 'Archiviste',
  'role.access_officer': 'Responsable de l’accès',
  'role.auditor': 'Auditeur',
  'role.clerk': 'Commis',
  'role.administrator.hint':
    'Gère les utilisateurs, les rôles, les paramètres du coffre et les sauvegardes.',
  'role.archivist.hint':
    'Tient le plan de classification et le calendrier de conservation, enregistre les dossiers, propose les destructions.',
  'role.access_officer.hint':
    'Traite les demandes d’accès et de rectification, et tient le registre des incidents de confidentialité.',
  'role.auditor.hint': 'Consulte tout sans rien modifier, et vérifie la piste d’audit.',
  'role.clerk.hint': 'Enregistre et consulte les dossiers de son travail quotidien.',

  'permission.manage_users': 'Gérer les utilisateurs',
  'permission.view_users': 'Voir les utilisateurs',
  'permission.manage_vault': 'Gérer le coffre (sauvegarde, restauration, clés)',
  'permission.check_vault': 'Vérifier l’intégrité du coffre',
  'permission.view_audit': 'Consulter la piste d’audit',
  'permission.export_audit': 'Exporter la piste d’audit',

  'wizard.title': 'Créer le coffre',
  'wizard.intro':
    'Greffier garde les documents de l’organisme dans un coffre chiffré, sur ce poste. Cette configuration se fait une seule fois.',
  'wizard.stepsLabel': 'Étapes',
  'wizard.step.identity': 'Organisme et administrateur',
  'wizard.step.passphrase': 'Phrase de récupération',
  'wizard.step.record': 'Mise en lieu sûr',
  'wizard.stepAnnounce': 'Étape {number} sur {count} : {step}',
  'wizard.organisationLegend': 'Organisme',
  'wizard.organisation': 'Nom de l’organisme',
  'wizard.organisationHint': 'Tel qu’il figurera sur les certificats et les rapports.',
  'wizard.adminLegend': 'Premier administrateur',
  'wizard.passphraseWhat':
    'La phrase de récupération ouvre le coffre quand le trousseau de ce poste ne le peut pas : autre ordinateur, système réinstallé, sauvegarde restaurée.',
  'wizard.passphraseWho':
    'Quiconque la connaît peut ouvrir le coffre. Si elle est perdue en même temps que la clé, personne ne peut plus l’ouvrir, pas même le soutien technique.',
  'wizard.passphrase': 'Phrase de récupération',
  'wizard.passphraseHint':
    'Au moins {min} caractères. Plusieurs mots ordinaires, faciles à recopier à la main.',
  'wizard.suggest': 'Suggérer une phrase',
  'wizard.suggestHint': 'Six mots tirés au hasard sur ce poste.',
  'wizard.shownLabel': 'Votre phrase de récupération',
  'wizard.maskedText': 'Masquée pendant que vous la recopiez.',
  'wizard.showAgain': 'L’afficher de nouveau',
  'wizard.guidanceWrite': 'Écrivez-la sur papier, exactement, espaces compris.',
  'wizard.guidanceSafe':
    'Rangez ce papier dans un coffre-fort ou une armoire verrouillée, loin de ce poste.',
  'wizard.guidanceNoFile': 'Ne la gardez ni dans un fichier ni dans un courriel sur ce poste.',
  'wizard.guidanceOnce': 'Elle ne sera plus jamais affichée.',
  'wizard.retype': 'Recopiez-la depuis votre papier',
  'wizard.retypeHint': 'Pour vérifier que ce qui est écrit est juste.',
  'wizard.stored': 'J’ai écrit la phrase de récupération et je l’ai rangée en lieu sûr.',
  'wizard.back': 'Précédent',
  'wizard.next': 'Suivant',
  'wizard.create': 'Créer le coffre',
  'wizard.creating': 'Création du coffre…',

  'unlock.title': 'Coffre verrouillé',
  'unlock.intro': 'Déverrouillez le coffre, puis connectez-vous.',
  'unlock.lockedIdle': 'Le coffre a été verrouillé après {minutes} minutes sans activité.',
  'unlock.lockedManual': 'Le coffre a été verrouillé.',
  'unlock.keyringTitle': 'Avec le trousseau de ce poste',
  'unlock.keyringText': 'La clé du coffre est gardée dans le trousseau du système.',
  'unlock.noOsKeyring':
    'Ce poste n’a pas de trousseau système utilisable : utilisez la phrase de récupération.',
  'unlock.keyringButton': 'Déverrouiller avec le trousseau',
  'unlock.keyringTrying': 'Déverrouillage par le trousseau…',
  'unlock.keyringFailed': 'Le trousseau n’a pas ouvert le coffre',
  'unlock.or': 'ou',
  'unlock.passphraseTitle': 'Avec la phrase de récupération',
  'unlock.passphrase': 'Phrase de récupération',
  'unlock.passphraseHint': 'Celle qui a été écrite et rangée en lieu sûr à la création du coffre.',
  'unlock.submit': 'Déverrouiller',
  'unlock.unlocking': 'Déverrouillage…',
  'unlock.vaultAt': 'Coffre :',

  'signin.title': 'Connexion',
  'signin.intro': 'Connectez-vous avec votre nom d’utilisateur et votre mot de passe.',
  'signin.createdTitle': 'Coffre créé',
  'signin.createdText':
    'Le coffre de {organisation} est prêt. Connectez-vous comme administrateur.',
  'signin.noKeyringTitle': 'Pas de trousseau système',
  'signin.noKeyringText':
    'La clé n’a pas pu être gardée dans un trousseau du système : à chaque démarrage de Greffier, il faudra la phrase de récupération pour déverrouiller le coffre.',
  'signin.restoredTitle': 'Sauvegarde restaurée',
  'signin.restoredText':
    'Le coffre est maintenant celui de la sauvegarde du {date} (piste d’audit jusqu’à l’événement nº {seq}). Reconnectez-vous.',
  'signin.restoredPrevious': 'Le coffre remplacé est conservé ici :',
  'signin.restoredRecovery':
    'Le fichier de récupération vient de la sauvegarde : la phrase de récupération est désormais celle qui était en vigueur au moment de la sauvegarde.',
  'signin.restoreFailedTitle': 'La restauration n’a pas abouti',
  'signin.submit': 'Se connecter',
  'signin.signingIn': 'Connexion…',

  'home.title': 'Accueil',
  'home.greeting': 'Bonjour, {name}.',
  'home.session': 'Session',
  'home.signedInAs': 'Connecté en tant que',
  'home.role': 'Rôle',
  'home.permissions': 'Permissions',
  'home.noPermissions': 'Aucune permission d’administration',
  'home.vault': 'Coffre et poste',
  'home.organisation': 'Organisme',
  'home.idleLock': 'Verrouillage automatique',
  'home.idleLockAfter': 'après {minutes} min sans activité',
  'home.idleLockNever': 'jamais',

  'settings.title': 'Paramètres',
  'settings.summary': 'Utilisateurs, coffre et sécurité.',
  'settings.tab.users': 'Utilisateurs',
  'settings.tab.vault': 'Coffre',
  'settings.nothing':
    'Votre rôle ne donne accès à aucun paramètre. La langue de l’interface se choisit en haut à droite.',

  'users.title': 'Utilisateurs',
  'users.intro': 'Les personnes qui peuvent se connecter à ce coffre.',
  'users.count': 'Comptes : {count}',
  'users.loading': 'Lecture des utilisateurs…',
  'users.loadFailed': 'Impossible de lire la liste des utilisateurs',
  'users.add': 'Ajouter un utilisateur',
  'users.status': 'État',
  'users.created': 'Créé le',
  'users.actions': 'Actions',
  'users.active': 'Actif',
  'users.inactive': 'Désactivé',
  'users.you': 'vous',
  'users.reset': 'Mot de passe…',
  'users.resetFor': 'Réinitialiser le mot de passe de {name}',
  'users.deactivate': 'Désactiver',
  'users.deactivateFor': 'Désactiver {name}',
  'users.reactivate': 'Réactiver',
  'users.reactivateFor': 'Réactiver {name}',
  'users.deactivateTitle': 'Désactiver {name} ?',
  'users.deactivateText':
    '{name} ({username}) ne pourra plus se connecter. Son historique et la piste d’audit restent intacts ; le compte pourra être réactivé plus tard.',
  'users.added': 'Utilisateur {username} ajouté.',
  'users.passwordReset': 'Mot de passe de {username} réinitialisé. Transmettez-le en personne.',
  'users.deactivated': 'Compte {username} désactivé.',
  'users.reactivated': 'Compte {username} réactivé.',

  'adduser.title': 'Ajouter un utilisateur',
  'adduser.password': 'Mot de passe initial',
  'adduser.handOver': 'Transmettez le mot de passe initial en personne, jamais par courriel.',
  'adduser.submit': 'Ajouter',

  'reset.title': 'Réinitialiser le mot de passe de {name}',
  'reset.intro':
    'Le nouveau mot de passe remplace aussitôt celui de {username}. Transmettez-le en personne.',
  'reset.password': 'Nouveau mot de passe',
  'reset.submit': 'Réinitialiser',

  'backup.title': 'Sauvegarde',
  'backup.intro': 'Une copie chiffrée du coffre dans un fichier, à garder hors de ce poste.',
  'backup.path': 'Fichier de sauvegarde',
  'backup.pathHint': 'Un nouveau fichier .greffier, par exemple sur un disque externe.',
  'backup.pathRequired':
    'Indiquez où écrire la sauvegarde, ou choisissez l’endroit avec « Parcourir… ».',
  'backup.start': 'Sauvegarder',
  'backup.running': 'Sauvegarde en cours…',
  'backup.cancelled': 'Sauvegarde annulée.',
  'backup.done': 'Sauvegarde terminée',
  'backup.file': 'Fichier',
  'backup.size': 'Taille',
  'backup.sha256': 'Empreinte SHA-256',
  'backup.chainHead': 'Tête de la piste d’audit',
  'backup.keepNote':
    'Notez l’empreinte et la tête de piste avec la sauvegarde : elles l’identifient et révèlent un retour en arrière.',

  'restore.title': 'Restauration',
  'restore.intro':
    'Remplace le coffre en usage par celui d’une sauvegarde, une fois celle-ci vérifiée.',
  'restore.path': 'Fichier à restaurer',
  'restore.pathRequired':
    'Indiquez le fichier de sauvegarde, ou choisissez-le avec « Parcourir… ».',
  'restore.password': 'Votre mot de passe',
  'restore.passwordHint': 'Pour confirmer que c’est bien vous.',
  'restore.passphrase': 'Phrase de récupération de la sauvegarde',
  'restore.passphraseHint':
    'Nécessaire si le trousseau de ce poste n’a pas la clé de la sauvegarde : sauvegarde venue d’un autre poste, ou faite avant une rotation de clé.',
  'restore.start': 'Restaurer…',
  'restore.running': 'Restauration en cours…',
  'restore.cancelled': 'Restauration annulée : le coffre n’a pas été modifié.',
  'restore.confirmTitle': 'Remplacer le coffre par cette sauvegarde ?',
  'restore.consequenceReplace':
    'Le coffre en usage sera remplacé par celui de la sauvegarde : ce qui a été fait depuis n’y sera pas.',
  'restore.consequenceKept': 'Le coffre remplacé est conservé à côté, sous un autre nom.',
  'restore.consequenceSignOut': 'Tout le monde est déconnecté et devra se reconnecter.',
  'restore.confirmWord': 'REMPLACER',
  'restore.confirmLabel': 'Pour confirmer, tapez {word}',
  'restore.confirmSubmit': 'Remplacer le coffre',

  'check.title': 'Vérification d’intégrité',
  'check.intro':
    'Vérifie la base de données, le chiffrement de chaque page et la chaîne de la piste d’audit.',
  'check.start': 'Vérifier',
  'check.again': 'Vérifier de nouveau',
  'check.running': 'Vérification…',
  'check.sound': 'Coffre intact',
  'check.unsound': 'Anomalies trouvées',
  'check.at': 'à {time}',
  'check.integrity': 'Base de données',
  'check.integrityOk': 'ok — aucune anomalie',
  'check.cipher': 'Chiffrement des pages',
  'check.cipherOk': 'ok — chaque page est authentifiée',
  'check.audit': 'Piste d’audit',
  'check.auditIntact': 'intacte',
  'check.auditProblem': 'rompue à l’événement nº {seq} : {fault}',
  'check.events': 'Événements',
  'check.head': 'Tête de chaîne',
  'check.headValue': 'événement nº {seq}',
  'check.noHead': 'aucun événement',
  'check.systemSigned': 'Signés par le système',
  'check.erased': 'Détails effacés (dossiers détruits)',
  'check.advice':
    'Ne modifiez plus rien : sauvegardez l’état actuel pour examen, puis restaurez la dernière sauvegarde saine. Signalez l’anomalie à la personne responsable de la sécurité.',
  'check.fault.missing': 'événement manquant (supprimé)',
  'check.fault.edited': 'contenu modifié',
  'check.fault.out_of_place': 'hors de sa place (inséré, supprimé ou déplacé)',
  'check.fault.bad_signature': 'signature invalide',
  'check.fault.wrong_signer': 'signé par une clé qui n’était pas celle de son auteur',
  'check.fault.details_altered': 'détails modifiés',
  'check.fault.truncated': 'fin de la chaîne supprimée',

  'idle.title': 'Verrouillage automatique',
  'idle.intro':
    'Le coffre se verrouille après une période sans clavier ni souris ; il faut alors le déverrouiller et se reconnecter.',
  'idle.minutes': 'Minutes sans activité',
  'idle.hint': '0 = jamais ; au plus {max}.',
  'idle.save': 'Enregistrer',
  'idle.saved': 'Enregistré :',
  'idle.current': 'Actuellement :',
  'idle.askAdministrator': 'Seul un administrateur peut modifier ce réglage.',

  'passphrase.title': 'Phrase de récupération',
  'passphrase.intro':
    'Remplace la phrase qui ouvre le coffre sans le trousseau. L’ancienne ne l’ouvrira plus.',
  'passphrase.current': 'Phrase actuelle',
  'passphrase.new': 'Nouvelle phrase',
  'passphrase.confirm': 'Confirmer la nouvelle phrase',
  'passphrase.submit': 'Changer la phrase',
  'passphrase.done': 'Phrase de récupération changée',
  'passphrase.doneText':
    'Écrivez la nouvelle phrase et rangez-la en lieu sûr. Les sauvegardes faites avant ce changement demandent encore l’ancienne : gardez-la avec elles.',

  'rotate.title': 'Rotation de la clé',
  'rotate.intro':
    'Rechiffre le coffre avec une nouvelle clé, par exemple après le départ d’une personne qui pouvait l’ouvrir. La phrase de récupération ne change pas.',
  'rotate.passphrase': 'Phrase de récupération',
  'rotate.start': 'Changer la clé',
  'rotate.running': 'Rechiffrement…',
  'rotate.done': 'Clé remplacée à {time}',
  'rotate.doneText':
    'Le trousseau et le fichier de récupération ont reçu la nouvelle clé. Faites maintenant une nouvelle sauvegarde.',
} as const;

/** Every message key, e.g. `'status.title'`. */
export type MessageKey = keyof typeof fr;

/** The shape every catalogue must have: exactly the French keys, each a string. */
export type Catalogue = Readonly<Record<MessageKey, string>>;
