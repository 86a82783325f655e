import { voiceAgentScenarios } from './voiceAgentScenarios';

voiceAgentScenarios('bargeIn');
