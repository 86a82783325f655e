// One polling helper for every suite; it lives with the emulator's own tests, the first package to need it.
export { waitFor } from '@switchboard/acs-emulator/test/support/waitFor';
