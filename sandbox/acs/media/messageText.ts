// One helper for the emulator, the bridge and the tests: the bridge's (a product part) is the one kept.
export { messageText } from '../../../bridge/acsMediaFrames';
