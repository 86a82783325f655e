import { voiceAgentScenarios } from './voiceAgentScenarios';

voiceAgentScenarios('failures');
