import { voiceAgentScenarios } from './voiceAgentScenarios';

voiceAgentScenarios('local');
