import { bridgeScenarios } from './bridgeScenarios';

bridgeScenarios('voicelive', 'connection');
