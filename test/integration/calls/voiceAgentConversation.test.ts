import { voiceAgentScenarios } from './voiceAgentScenarios';

voiceAgentScenarios('conversation');
